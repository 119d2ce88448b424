/**
 * A lab stack read back from its synthesized cdk.tf.json: the files the user-data writes (an
 * instance's, or a fleet's launch template's), the security-group rules, the SSM documents and,
 * for a fleet, its NLB (synthesized-fleet.ts). HAProxy gets the haproxy.cfg inside the
 * user-data (the text the instance would boot with), the firewall the rules.
 */
import { App } from "cdktf";
import type { TerraformStack } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import type { ExchangeLoadBalancer } from "../lib";
import { PATHS } from "../lib/instance/paths";
import { SynthesizedFleet, readFleet } from "./synthesized-fleet";

export type StackBuilder = (app: App) => { stack: TerraformStack; lb: ExchangeLoadBalancer };

export interface Rule {
  readonly port: number;
  readonly cidr: string;
}

/** Traffic the security group allows between members of the group itself: the pair. */
export interface PairRule {
  readonly protocol: "tcp" | "112";
  readonly port?: number;
}

/** One instance: its fixed address (a pair node) and the files its user-data writes. */
export interface SynthesizedNode {
  readonly address?: string;
  readonly files: Readonly<Record<string, { content: string; permissions: string }>>;
  /** The user-data as EC2 hands it to the instance (IMDS): plain text or gzip, base64 here. */
  readonly userDataBase64: string;
  /** Secondary private IPs the instance is launched with (a single instance's VIPs). */
  readonly secondaryIps: readonly string[];
  readonly instanceType: string;
  /** IMDS's PUT response hop limit (metadata_options). */
  readonly hopLimit: number;
}

export interface SynthesizedLoadBalancer {
  readonly stackName: string;
  /** A fleet (aws_launch_template, no aws_instance): `nodes` holds the template's one node. */
  readonly fleet?: SynthesizedFleet;
  /** The synthesized cdk.tf.json, as Terraform would read it (the boot lab's AWS stand-ins read its roles). */
  readonly cdkTfJson: string;
  /** haproxy.cfg as written by the synthesized user-data. */
  readonly haproxyConfig: string;
  readonly nodes: readonly SynthesizedNode[];
  /** The SSM document's content: how a changed config reaches running instances. */
  readonly configDocument: string;
  /** The operator's documents: a real server's state, and every server's status. */
  readonly setServerStateDocument: string;
  readonly serverStatusDocument: string;
  readonly pairRules: readonly PairRule[];
  /** Name filters of the stack's Debian AMI lookups ("debian-13-amd64-*"): the release it boots. */
  readonly amiNamePatterns: readonly string[];
  /** Ingress rules on the load balancer's security group. */
  readonly ingress: readonly Rule[];
  /** Egress rules on the load balancer's security group. */
  readonly egress: readonly Rule[];
}

interface AmiFilter {
  readonly name: string;
  readonly values: string[];
}

export type Resource = Record<string, unknown>;
export interface TerraformJson {
  readonly resource: Record<string, Record<string, Resource> | undefined>;
  readonly data?: { readonly aws_ami?: Record<string, { filter: AmiFilter[] }> };
}

/** What Terraform does to a template string that holds no interpolation: undo the escapes. */
function terraformLiteral(text: string): string {
  return text.replace(/([$%])\1\{/g, "$1{");
}

/** The files a cloud-config's write_files writes, by path. */
export function userDataFiles(userData: string): SynthesizedNode["files"] {
  const files = parse(userData).write_files as {
    path: string;
    content: string;
    permissions: string;
  }[];
  return Object.fromEntries(files.map((f) => [f.path, f]));
}

/** User-data as EC2 takes it, base64: the cloud-config itself, or gzip (it starts 0x1f 0x8b). */
export function decodeUserData(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzip ? gunzipSync(bytes) : bytes).toString("utf8");
}

function hopLimitOf(resource: Resource): number {
  return (resource.metadata_options as { http_put_response_hop_limit: number })
    .http_put_response_hop_limit;
}

function instanceNode(instance: Resource): SynthesizedNode {
  const plain = typeof instance.user_data === "string";
  const userDataBase64 = plain
    ? Buffer.from(terraformLiteral(instance.user_data as string)).toString("base64")
    : String(instance.user_data_base64);
  const userData = plain
    ? terraformLiteral(instance.user_data as string)
    : gunzipSync(Buffer.from(userDataBase64, "base64")).toString("utf8");
  return {
    address: instance.private_ip as string | undefined,
    files: userDataFiles(userData),
    userDataBase64,
    secondaryIps: (instance.secondary_private_ips as string[] | undefined) ?? [],
    instanceType: instance.instance_type as string,
    hopLimit: hopLimitOf(instance),
  };
}

/** A launch template's node: every node of the group boots with its user-data, no address of its own. */
function templateNode(template: Resource): SynthesizedNode {
  const userDataBase64 = String(template.user_data);
  return {
    files: userDataFiles(decodeUserData(userDataBase64)),
    userDataBase64,
    secondaryIps: [],
    instanceType: template.instance_type as string,
    hopLimit: hopLimitOf(template),
  };
}

/**
 * The machines' security group: the instance's or template's, or (a template describing its
 * interface, for source addresses) the interface's.
 */
function securityGroupOf(machine: Resource): string {
  const described = machine.network_interfaces as { security_groups: string[] }[] | undefined;
  return (described?.[0].security_groups ?? (machine.vpc_security_group_ids as string[]))[0];
}

/** The machines: one instance or a pair (aws_instance), or a fleet's launch template. */
function readNodes(json: TerraformJson): { nodes: SynthesizedNode[]; machine: Resource } {
  const instances = Object.values(json.resource.aws_instance ?? {});
  const templates = Object.values(json.resource.aws_launch_template ?? {});
  if (instances.length === 0 && templates.length === 1) {
    return { nodes: [templateNode(templates[0])], machine: templates[0] };
  }
  if (instances.length < 1 || instances.length > 2) {
    throw new Error(`expected one instance or a pair, found ${instances.length}`);
  }
  return { nodes: instances.map(instanceNode), machine: instances[0] };
}
interface Rules {
  readonly ingress: Rule[];
  readonly egress: Rule[];
  readonly pairRules: PairRule[];
  /** Ingress ports from the NLB's security group (a fleet's health checks). */
  readonly fromNlb: number[];
}

/** The rules of the machines' security group `group`; `nlbGroup` is a fleet's NLB's group. */
function readRules(json: TerraformJson, group: string, nlbGroup?: string): Rules {
  const found: Rules = { ingress: [], egress: [], pairRules: [], fromNlb: [] };
  for (const type of ["ingress", "egress"] as const) {
    const resources = Object.values(json.resource[`aws_vpc_security_group_${type}_rule`] ?? {});
    for (const r of resources.filter((rule) => rule.security_group_id === group)) {
      if (r.referenced_security_group_id === group) {
        if (type === "ingress") {
          found.pairRules.push({
            protocol: r.ip_protocol as PairRule["protocol"],
            port: r.from_port as number | undefined,
          });
        }
        continue;
      }
      if (nlbGroup && r.referenced_security_group_id === nlbGroup && type === "ingress") {
        found.fromNlb.push(r.from_port as number);
        continue;
      }
      if (r.ip_protocol !== "tcp" || r.from_port !== r.to_port || typeof r.cidr_ipv4 !== "string") {
        throw new Error(`the lab cannot enforce rule ${JSON.stringify(r)}`);
      }
      found[type].push({ port: r.from_port as number, cidr: r.cidr_ipv4 });
    }
  }
  return found;
}

function readDocuments(json: TerraformJson) {
  const documents = Object.values(json.resource.aws_ssm_document ?? {}) as {
    name: string;
    content: string;
  }[];
  const documentOf = (what: string): string => {
    const found = documents.find((d) => d.name.endsWith(`-${what}`));
    if (!found) throw new Error(`the stack has no ${what} document`);
    return terraformLiteral(found.content);
  };
  return {
    configDocument: documentOf("config"),
    setServerStateDocument: documentOf("SetServerState"),
    serverStatusDocument: documentOf("ServerStatus"),
  };
}

/**
 * A file the config document stages before its apply (`haproxy.cfg`, `vips`, ...): what a node
 * runs once the document reached it.
 */
export function stagedFile(configDocument: string, name: string): string {
  const commands: string[] = JSON.parse(configDocument).mainSteps[0].inputs.runCommand;
  const staged = /^echo '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > "\$stage\/([^"]+)"$/;
  for (const command of commands) {
    const match = staged.exec(command);
    if (match && match[2] === name) {
      return gunzipSync(Buffer.from(match[1], "base64")).toString("utf8");
    }
  }
  throw new Error(`the config document stages no ${name}`);
}

/** Synthesizes the stack with cdktf and reads what the instance and its security group would get. */
export function synthesize(build: StackBuilder): SynthesizedLoadBalancer {
  const outdir = mkdtempSync(join(tmpdir(), "exchange-lab-synth-"));
  try {
    const app = new App({ outdir });
    const { stack } = build(app);
    app.synth();
    const cdkTfJson = readFileSync(join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8");
    const json = JSON.parse(cdkTfJson) as TerraformJson;
    const { nodes, machine } = readNodes(json);
    const haproxyConfig = nodes[0].files[PATHS.HAPROXY_CONFIG]?.content;
    if (!haproxyConfig) throw new Error(`no ${PATHS.HAPROXY_CONFIG} in the synthesized user-data`);
    const group = securityGroupOf(machine);
    const nlb = Object.values(json.resource.aws_lb ?? {})[0];
    const isFleet = json.resource.aws_instance === undefined;
    const nlbGroup = isFleet ? (nlb?.security_groups as string[] | undefined)?.[0] : undefined;
    const { fromNlb, ...rules } = readRules(json, group, nlbGroup);
    const amis = Object.values(json.data?.aws_ami ?? {});
    return {
      stackName: stack.node.id,
      cdkTfJson,
      ...(isFleet ? { fleet: readFleet(json, fromNlb) } : {}),
      amiNamePatterns: amis
        .flatMap((a) => a.filter.filter((f) => f.name === "name"))
        .flatMap((f) => f.values),
      haproxyConfig,
      nodes,
      ...readDocuments(json),
      ...rules,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The stacks the lab runs: built with the library exactly as a user would,
 * synthesized by cdktf, and read back from cdk.tf.json. HAProxy gets the
 * haproxy.cfg inside the synthesized user-data (the text the instance would
 * boot with), the firewall gets the synthesized security-group rules.
 */
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  ExchangeVersion,
  ImapVip,
  PopVip,
  RpcStaticPortVip,
  SmtpVip,
  VipPlacement,
} from "../lib";
import { PATHS } from "../lib/instance/paths";
import { labRelease } from "./release";
import { HOSTS, VIP } from "./topology";

/** The client namespace's addresses: clients, not smart hosts. */
export const LAB_CLIENT_CIDR = "192.168.30.64/26";
export const SMART_HOST_RANGE = "192.168.30.50-60";
/** HAProxy's maxconn in the lab: one process holds at most ~9,900 proxied connections here. */
export const LAB_MAXCONN = 4000;

const CAS = [
  { name: "CAS1", address: HOSTS.cas1.addresses[0] },
  { name: "CAS2", address: HOSTS.cas2.addresses[0] },
];
const HT = [{ name: "HT1", address: HOSTS.ht.addresses[0] }];

function labProps(exchangeVersion: ExchangeVersion): ExchangeLoadBalancerProps {
  return {
    exchangeVersion,
    vpcId: "vpc-0lab",
    subnetId: "subnet-0lab",
    vipAddress: VIP,
    clientCidrs: [LAB_CLIENT_CIDR],
    servers: CAS,
    namespace: "mail.lab.test",
    maxconn: LAB_MAXCONN,
    // The release the lab runs (EXCHANGE_LB_LAB_DEBIAN): its HAProxy runs this config.
    operatingSystem: labRelease().os,
  };
}

/** The clustered pair: lb (preferred master) and lb2 in the lab subnet, VIPs as secondary IPs. */
export function pairProps(exchangeVersion: ExchangeVersion): ExchangeLoadBalancerProps {
  return {
    ...labProps(exchangeVersion),
    subnetId: undefined,
    highAvailability: {
      nodes: [
        { subnetId: "subnet-0lab", address: HOSTS.lb.addresses[0] },
        { subnetId: "subnet-0lab", address: HOSTS.lb2.addresses[0] },
      ],
    },
    // No metrics publisher on the pair's nodes: in the boot lab's VMs (QEMU without KVM) one
    // AWS CLI call a minute takes seconds of a node's one vCPU and delayed keepalived's check
    // enough to lose the master once. Scenario 17 turns it on and measures it.
    monitoring: { metrics: false },
  };
}

export type StackBuilder = (app: App) => { stack: TerraformStack; lb: ExchangeLoadBalancer };

/** Guide 001's four VIPs plus POP3; SMTP goes to a Hub Transport-only server. */
export const lab2010: StackBuilder = (app) => {
  const stack = new TerraformStack(app, "lab-2010");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", labProps(ExchangeVersion.EXCHANGE_2010));
  new CasHttpsVip(lb, "CasWeb");
  new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
  new ImapVip(lb, "CasImap");
  new PopVip(lb, "CasPop");
  new SmtpVip(lb, "HtSmtp", { allowedSources: [SMART_HOST_RANGE], servers: HT });
  return { stack, lb };
};

/**
 * Guide 001's web, RPC and IMAP VIPs on a clustered pair: source-IP persistence to carry
 * across; `more` adds to them (a changed config for a rollout).
 */
export function lab2010PairWith(
  more: (lb: ExchangeLoadBalancer) => void = () => undefined,
): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, "lab-2010-pair");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const lb = new ExchangeLoadBalancer(stack, "Lb", pairProps(ExchangeVersion.EXCHANGE_2010));
    new CasHttpsVip(lb, "CasWeb");
    new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
    new ImapVip(lb, "CasImap");
    more(lb);
    return { stack, lb };
  };
}

export const lab2010Pair = lab2010PairWith();

/** Free lab addresses the source-address scenario gives the instance as extra source addresses. */
export const LAB_SOURCE_ADDRESSES = ["192.168.30.40", "192.168.30.41"] as const;

/**
 * One instance with `sourceAddresses` (none: the primary alone) and `vips` added; a stack of
 * its own name, so a scenario compares it with and without them.
 */
export function labWithSources(
  exchangeVersion: ExchangeVersion,
  sourceAddresses: readonly string[],
  vips: (lb: ExchangeLoadBalancer) => void,
): StackBuilder {
  const name = `lab-sources-${sourceAddresses.length}`;
  return labWith(name, exchangeVersion, { sourceAddresses: [...sourceAddresses] }, vips);
}

/** One instance with the lab's props and `props` over them, and `vips` added. */
export function labWith(
  name: string,
  exchangeVersion: ExchangeVersion,
  props: Partial<ExchangeLoadBalancerProps>,
  vips: (lb: ExchangeLoadBalancer) => void,
): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, name);
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const lb = new ExchangeLoadBalancer(stack, "Lb", { ...labProps(exchangeVersion), ...props });
    vips(lb);
    return { stack, lb };
  };
}

/** Guide 004's SNAT-mode VIPs; `customize` adds or changes VIPs for one scenario; `pair` runs them on both nodes. */
export function lab2013(
  customize?: (lb: ExchangeLoadBalancer) => void,
  pair = false,
): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, pair ? "lab-2013-pair" : "lab-2013");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const version = ExchangeVersion.EXCHANGE_2013;
    const lb = new ExchangeLoadBalancer(stack, "Lb", pair ? pairProps(version) : labProps(version));
    if (customize) customize(lb);
    else {
      new CasHttpsVip(lb, "CasHttps");
      new ImapVip(lb, "CasImap");
      new PopVip(lb, "CasPop");
      new SmtpVip(lb, "CasSmtp", { allowedSources: [SMART_HOST_RANGE] });
    }
    return { stack, lb };
  };
}

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

/** What Terraform does to a template string that holds no interpolation: undo the escapes. */
function terraformLiteral(text: string): string {
  return text.replace(/([$%])\1\{/g, "$1{");
}

/** Synthesizes the stack with cdktf and reads what the instance and its security group would get. */
export function synthesize(build: StackBuilder): SynthesizedLoadBalancer {
  const outdir = mkdtempSync(join(tmpdir(), "exchange-lab-synth-"));
  try {
    const app = new App({ outdir });
    const { stack } = build(app);
    app.synth();
    const cdkTfJson = readFileSync(join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8");
    const json = JSON.parse(cdkTfJson);
    const instances = Object.values(json.resource.aws_instance) as Record<string, unknown>[];
    if (instances.length < 1 || instances.length > 2) {
      throw new Error(`expected one instance or a pair, found ${instances.length}`);
    }
    const nodes = instances.map((instance): SynthesizedNode => {
      const plain = typeof instance.user_data === "string";
      const userDataBase64 = plain
        ? Buffer.from(terraformLiteral(instance.user_data as string)).toString("base64")
        : String(instance.user_data_base64);
      const userData = plain
        ? terraformLiteral(instance.user_data as string)
        : gunzipSync(Buffer.from(userDataBase64, "base64")).toString("utf8");
      const files = parse(userData).write_files as {
        path: string;
        content: string;
        permissions: string;
      }[];
      return {
        address: instance.private_ip as string | undefined,
        files: Object.fromEntries(files.map((f) => [f.path, f])),
        userDataBase64,
        secondaryIps: (instance.secondary_private_ips as string[] | undefined) ?? [],
        instanceType: instance.instance_type as string,
        hopLimit: (instance.metadata_options as { http_put_response_hop_limit: number })
          .http_put_response_hop_limit,
      };
    });
    const haproxyConfig = nodes[0].files[PATHS.HAPROXY_CONFIG]?.content;
    if (!haproxyConfig) throw new Error(`no ${PATHS.HAPROXY_CONFIG} in the synthesized user-data`);
    const group = (instances[0].vpc_security_group_ids as string[])[0];
    const pairRules: PairRule[] = [];
    const rules = (type: string): Rule[] =>
      (Object.values(json.resource[type] ?? {}) as Record<string, unknown>[])
        .filter((r) => r.security_group_id === group)
        .flatMap((r) => {
          if (r.referenced_security_group_id === group) {
            if (type.includes("ingress")) {
              pairRules.push({
                protocol: r.ip_protocol as PairRule["protocol"],
                port: r.from_port as number | undefined,
              });
            }
            return [];
          }
          if (
            r.ip_protocol !== "tcp" ||
            r.from_port !== r.to_port ||
            typeof r.cidr_ipv4 !== "string"
          ) {
            throw new Error(`the lab cannot enforce rule ${JSON.stringify(r)}`);
          }
          return [{ port: r.from_port as number, cidr: r.cidr_ipv4 }];
        });
    const documents = Object.values(json.resource.aws_ssm_document ?? {}) as {
      name: string;
      content: string;
    }[];
    const documentOf = (what: string): string => {
      const found = documents.find((d) => d.name.endsWith(`-${what}`));
      if (!found) throw new Error(`the stack has no ${what} document`);
      return terraformLiteral(found.content);
    };
    const amis = Object.values(json.data?.aws_ami ?? {}) as { filter: AmiFilter[] }[];
    return {
      stackName: stack.node.id,
      cdkTfJson,
      amiNamePatterns: amis
        .flatMap((a) => a.filter.filter((f) => f.name === "name"))
        .flatMap((f) => f.values),
      haproxyConfig,
      nodes,
      configDocument: documentOf("config"),
      setServerStateDocument: documentOf("SetServerState"),
      serverStatusDocument: documentOf("ServerStatus"),
      ingress: rules("aws_vpc_security_group_ingress_rule"),
      egress: rules("aws_vpc_security_group_egress_rule"),
      pairRules,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Scenario 7's route tables: the lab subnet's (its router follows it), and another subnet's without the route. */
export const LAB_ROUTE_TABLES = ["rtb-0lab1", "rtb-0lab2"];
/** A VIP outside the VPC CIDR, as the route-table placement needs (routed, never on the subnet). */
export const ROUTED_VIP = "10.99.0.10";
/** Scenario 7's Elastic IP: an address of a documentation range (RFC 5737). */
export const LAB_ELASTIC_IP = { allocationId: "eipalloc-0lab", publicIp: "203.0.113.10" };
/** The internet client of the Elastic IP pair (lab/vm/gateway.ts), a documentation range too. */
export const INTERNET_CIDR = "198.51.100.0/24";

/** The pair with its VIP placed by route tables or an Elastic IP (scenario 7): IMAP only. */
export function labPlacementPair(kind: "route-table" | "elastic-ip"): StackBuilder {
  return (app) => {
    const stack = new TerraformStack(app, `lab-2010-pair-${kind}`);
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const props = pairProps(ExchangeVersion.EXCHANGE_2010);
    const vipPlacement =
      kind === "route-table"
        ? VipPlacement.routeTable({ routeTableIds: LAB_ROUTE_TABLES })
        : VipPlacement.elasticIp({ allocationId: LAB_ELASTIC_IP.allocationId });
    const lb = new ExchangeLoadBalancer(stack, "Lb", {
      ...props,
      vipAddress: kind === "route-table" ? ROUTED_VIP : LAB_ELASTIC_IP.publicIp,
      clientCidrs: [LAB_CLIENT_CIDR, INTERNET_CIDR],
      highAvailability: { ...props.highAvailability!, vipPlacement },
    });
    new ImapVip(lb, "CasImap");
    return { stack, lb };
  };
}

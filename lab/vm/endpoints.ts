/**
 * The AWS API endpoints the instances reach, as VPC interface endpoints with private DNS:
 * the stand-in (lab/aws/) in the VPC namespace on the endpoints' address, TLS with a
 * certificate the image's lab CA signs, enforcing the synthesized stack's instance role.
 * Its S3 serves the SSM agent package the user-data downloads (a stand-in package that
 * installs and runs as a service).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { endpointNames, makeCertificates } from "../aws/certificates";
import type { Parameter } from "../aws/stores";
import type { NetworkSetup } from "../aws/network";
import { startDetached } from "../servers";
import { inNs, sh } from "../shell";
import { ACCOUNT, LabInstance, PARTITION } from "./instances";
import { imageDir } from "./qemu";
import { ENDPOINTS_ADDRESS, REGION, VPC_NS, awsChangesFile } from "./vpc";

const MAIN = join(__dirname, "..", "aws", "main.ts");
const CONTROL_PORT = 8443;
const SSM_AGENT_SOURCE = join(__dirname, "ssm-agent");

/** The stand-in SSM agent package, built from lab/vm/ssm-agent/. */
function ssmAgentPackage(dir: string): string {
  const deb = join(dir, "amazon-ssm-agent.deb");
  sh(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", SSM_AGENT_SOURCE, deb]);
  return deb;
}

/** A call to the stand-in's control endpoint (from inside the VPC namespace). */
export function control(method: string, path: string, body?: unknown): unknown {
  const args = ["curl", "-sSf", "-X", method, `http://127.0.0.1:${CONTROL_PORT}${path}`];
  if (body !== undefined)
    args.push("-H", "Content-Type: application/json", "--data", JSON.stringify(body));
  return JSON.parse(inNs(VPC_NS, args).stdout);
}

export function startEndpoints(
  dir: string,
  release: number,
  cdkTfJson: string,
  instances: readonly LabInstance[],
  maxMs: number,
  standIn: {
    readonly parameters?: readonly Parameter[];
    readonly seed?: Pick<NetworkSetup, "routeTables" | "elasticIps">;
  } = {},
): void {
  const tls = makeCertificates(
    [...endpointNames(REGION), `*.${REGION}.amazonaws.com`],
    [ENDPOINTS_ADDRESS],
    join(dir, "tls"),
    {
      cert: join(imageDir(release), "ca.pem"),
      key: join(imageDir(release), "ca.key"),
    },
  );
  writeFileSync(join(dir, "cdk.tf.json"), cdkTfJson);
  const config = {
    listen: { host: ENDPOINTS_ADDRESS, port: 443 },
    control: { host: "127.0.0.1", port: CONTROL_PORT },
    tls: { cert: tls.cert, key: tls.key },
    lab: { partition: PARTITION, region: REGION, account: ACCOUNT },
    stack: join(dir, "cdk.tf.json"),
    instances: Object.fromEntries(
      instances.map((i) => [
        i.localIpv4s[0],
        { instanceId: i.instanceId, networkInterfaceId: i.eniId },
      ]),
    ),
    network: {
      interfaces: instances.map((i) => ({
        id: i.eniId,
        instanceId: i.instanceId,
        privateIps: [...i.localIpv4s],
      })),
      ...standIn.seed,
    },
    parameters: standIn.parameters ?? [],
    objects: {
      [`amazon-ssm-${REGION}/latest/debian_amd64/amazon-ssm-agent.deb`]: {
        file: ssmAgentPackage(dir),
      },
    },
    log: join(dir, "aws-calls.jsonl"),
    changes: awsChangesFile(dir),
    maxMs,
  };
  writeFileSync(join(dir, "aws.json"), JSON.stringify(config, null, 2));
  const tsNode = require.resolve("ts-node/register/transpile-only");
  startDetached(
    VPC_NS,
    [process.execPath, "-r", tsNode, MAIN, join(dir, "aws.json")],
    join(dir, "aws.log"),
  );
  for (let attempt = 0; attempt < 300; attempt++) {
    if (inNs(VPC_NS, ["ss", "-ltnH", `sport = :${CONTROL_PORT}`]).stdout.trim()) return;
    sh(["sleep", "0.1"]);
  }
  throw new Error(`the AWS stand-in did not start: see ${join(dir, "aws.log")}`);
}

/** The instance role's temporary credentials for IMDS, issued by the stand-in. */
export function roleForImds(instance: LabInstance): object | undefined {
  const roles = control("GET", "/roles") as string[];
  if (roles.length === 0) return undefined;
  if (roles.length > 1) throw new Error(`more than one instance role: ${roles.join(", ")}`);
  const [name] = roles;
  const credentials = control("POST", "/credentials", {
    instanceId: instance.instanceId,
    roleName: name,
  }) as Record<string, string>;
  // IMDS adds Code and Type itself (lab/tools/imds.js).
  const { LastUpdated, AccessKeyId, SecretAccessKey, Token, Expiration } = credentials;
  const rest = { LastUpdated, AccessKeyId, SecretAccessKey, Token, Expiration };
  return {
    name,
    credentials: rest,
    instanceProfileArn: `arn:${PARTITION}:iam::${ACCOUNT}:instance-profile/${name}`,
    instanceProfileId: "AIPALAB" + instance.instanceId.slice(2, 14).toUpperCase(),
  };
}

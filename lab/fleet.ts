/**
 * A fleet in the lab: the load-balancer namespaces as its nodes, each booted as the Auto Scaling
 * group would launch it from the launch template. A node fetches its user-data from its IMDS
 * (the template's, served by the fake IMDS), unpacks it as cloud-init does (gzip when it starts
 * 0x1f 0x8b) and writes its files; HAProxy starts as the boot's apply does; the association's
 * first run applies the config document; the nodes' firewall is their security group's rules,
 * the NLB's health checks admitted from the stand-in. The NLB stand-in fronts them.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { PATHS } from "../lib/instance/paths";
import { fetchCertificates, startAwsStandIns } from "./aws-stand-ins";
import { applyFirewall } from "./firewall";
import { adminCommand, loadHaproxy, stopHaproxy, waitAllUp, waitFor } from "./haproxy";
import { NLB_STAND_IN, askHealth, startNlbStandIn, stopNlbStandIn } from "./nlb-stand-in";
import { ALL_NODES, LabNode, inNode, nodePath, prepareNode } from "./node";
import { installNode, runConfigDocument, stopPair } from "./pair";
import { assertStackRelease } from "./release";
import { inNs } from "./shell";
import { SynthesizedLoadBalancer, decodeUserData, userDataFiles } from "./stacks";

/**
 * What a node's boot got: its user-data's digest, the digest of each file it wrote (before
 * anything ran), and its health endpoint's answer on each VIP's path before and after the
 * association's first run of the config document.
 */
export interface NodeBoot {
  readonly node: string;
  readonly userDataSha256: string;
  readonly files: Readonly<Record<string, string>>;
  readonly beforeDocument: Readonly<Record<string, number>>;
  readonly afterDocument: Readonly<Record<string, number>>;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The user-data as the node reads it from IMDS (cloud-init's first step), base64 here. */
function fetchUserData(node: LabNode): string {
  const imds = "http://169.254.169.254/latest";
  const script = [
    `token=$(curl -sf -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' ${imds}/api/token)`,
    `curl -sf -m 2 -H "X-aws-ec2-metadata-token: $token" ${imds}/user-data | base64 -w0`,
  ].join(" && ");
  return inNode(node, ["sh", "-c", script]).stdout.trim();
}

/**
 * The files of `paths` the node has, path -> sha256: those the lab writes (units, the SSM
 * agent's installer and cloud-init's it does not).
 */
function writtenFiles(node: LabNode, paths: readonly string[]): Record<string, string> {
  const written = paths.filter((path) => {
    try {
      return existsSync(nodePath(node, path));
    } catch {
      return false; // under no node mount: not written in the lab
    }
  });
  return Object.fromEntries(written.map((p) => [p, sha256(readFileSync(nodePath(node, p)))]));
}

/** The node's health endpoint on each VIP's path, asked from the stand-in: path -> code. */
function healthAnswers(lb: SynthesizedLoadBalancer, node: LabNode): Record<string, number> {
  const checks = lb.fleet!.listeners.map((l) => l.healthCheck);
  return Object.fromEntries(checks.map((c) => [c.path, askHealth(node, c.port, c.path)]));
}

/**
 * The secondary addresses the lab's EC2 assigns a node at launch for the template's
 * ipv4_address_count: the first `count` of the node's own block, none used elsewhere in the lab.
 */
export function assignedAtLaunch(node: LabNode, count: number): string[] {
  const block = { lb: 80, lb2: 90 }[node.name];
  return Array.from({ length: count }, (_, i) => `192.168.30.${block + i}`);
}

/** One node launched from the template: user-data from IMDS, files, HAProxy, the association. */
async function bootNode(lb: SynthesizedLoadBalancer, node: LabNode): Promise<NodeBoot> {
  prepareNode(node);
  rmSync(nodePath(node, PATHS.RUN_DIR), { recursive: true, force: true });
  const secondary = assignedAtLaunch(node, lb.fleet!.sourceAddressCount);
  startAwsStandIns(node, secondary, { userDataBase64: lb.nodes[0].userDataBase64 });
  const received = fetchUserData(node);
  const files = userDataFiles(decodeUserData(received));
  installNode(node, { ...lb.nodes[0], files, userDataBase64: received });
  const written = writtenFiles(node, Object.keys(files));
  fetchCertificates(node);
  const fromNlb = lb.fleet!.fromNlb.map((port) => ({ port, cidr: `${NLB_STAND_IN.address}/32` }));
  applyFirewall([...lb.ingress, ...fromNlb], lb.egress, node);
  // The boot's apply: HAProxy on the user-data's copy of the config.
  await loadHaproxy(files[PATHS.HAPROXY_CONFIG].content, "new-instance", node);
  await waitAllUp(15_000, node);
  const beforeDocument = healthAnswers(lb, node);
  const association = runConfigDocument(node, lb.configDocument);
  if (association.status !== 0) {
    throw new Error(`the config document failed in ${node.ns}: ${association.output}`);
  }
  await waitAllUp(15_000, node);
  return {
    node: node.name,
    userDataSha256: sha256(Buffer.from(received, "base64")),
    files: written,
    beforeDocument,
    afterDocument: healthAnswers(lb, node),
  };
}

/**
 * Runs a synthesized fleet on `nodes`: the pair's keepalived and any VIP on a node gone (the
 * NLB holds the VIPs), the NLB stand-in, then every node booted from the one launch template.
 */
export async function startFleet(
  lb: SynthesizedLoadBalancer,
  nodes: readonly LabNode[] = ALL_NODES,
): Promise<NodeBoot[]> {
  if (!lb.fleet) throw new Error(`${lb.stackName} is no fleet`);
  assertStackRelease(lb.stackName, lb.amiNamePatterns);
  await stopPair();
  for (const node of ALL_NODES) {
    inNs(node.ns, ["ip", "address", "del", `${lb.fleet.vipAddress}/32`, "dev", "eth0"], {
      allowFailure: true,
    });
  }
  // The NLB is there first; the group's nodes register as they launch.
  startNlbStandIn(lb.fleet, nodes);
  const boots: NodeBoot[] = [];
  for (const node of nodes) boots.push(await bootNode(lb, node));
  return boots;
}

/** True while the node's HAProxy runs a fleet's config: its listeners bound on every address. */
function runsFleetConfig(node: LabNode): boolean {
  return inNs(node.ns, ["ss", "-Hltn", "sport = :80"]).stdout.includes("0.0.0.0:80");
}

/**
 * Ends a fleet, if one runs: the stand-in gone, and HAProxy stopped where it runs a fleet's
 * config (its wildcard port 80 would keep another stack's fake IMDS off 169.254.169.254:80).
 */
export async function stopFleet(nodes: readonly LabNode[] = ALL_NODES): Promise<void> {
  stopNlbStandIn(nodes);
  for (const node of nodes.filter(runsFleetConfig)) {
    stopHaproxy(node);
    await waitFor(`HAProxy to stop in ${node.ns}`, () => !runsFleetConfig(node), 10_000);
  }
  // The source addresses the program put on the interface go with the node.
  for (const node of nodes) {
    for (const address of assignedAtLaunch(node, 4)) {
      inNs(node.ns, ["ip", "address", "del", `${address}/32`, "dev", "eth0"], {
        allowFailure: true,
      });
    }
  }
}

/** Each frontend's total sessions on the node (`show stat`): what reached it. */
export async function frontendSessions(node: LabNode): Promise<Record<string, number>> {
  const [header, ...rows] = (await adminCommand("show stat", node)).trim().split("\n");
  const cols = header.replace(/^# /, "").split(",");
  const at = (row: string[], name: string) => row[cols.indexOf(name)];
  return Object.fromEntries(
    rows
      .map((line) => line.split(","))
      .filter((row) => at(row, "svname") === "FRONTEND")
      .map((row) => [at(row, "pxname"), Number(at(row, "stot"))]),
  );
}

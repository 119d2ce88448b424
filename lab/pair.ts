/**
 * The clustered pair in the lab: both nodes get every file their synthesized
 * user-data writes, HAProxy and real keepalived start as the units would
 * (`exchange-lb-failover prestart`, then keepalived), and the failover script
 * moves the VIP between the namespaces (address + gratuitous ARP). The AWS API
 * is not reachable here: a fake `aws` on the nodes' PATH records each call, and
 * a fake IMDSv2 answers on 169.254.169.254 inside each node.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { applyFirewall, clearFirewall } from "./firewall";
import { loadHaproxy, stopHaproxy, waitAllUp, waitFor } from "./haproxy";
import {
  ALL_NODES,
  LB_NODES,
  LabNode,
  inNode,
  nodePath,
  prepareNode,
  startInNode,
  writeNodeFile,
} from "./node";
import { AWS_CALLS, fetchCertificates, startAwsStandIns, stopFakeImds } from "./aws-stand-ins";
import { DOCUMENT_FILES } from "../lib/delivery/bundle";
import { PATHS, STAGED, SYSTEM_PATH } from "../lib/instance/paths";
import { STARTUP_DELAY_SECONDS } from "../lib/pair/keepalived-config";
import { assertRunsRelease, releasePath } from "./release";
import { inNs, sh } from "./shell";
import { SynthesizedLoadBalancer, SynthesizedNode, stagedFile } from "./stacks";
import { HOSTS, VIP, linkUp } from "./topology";

/** The files of the user-data, in the node as at boot (sysctl applied to its namespace); units are run otherwise. */
export function installNode(node: LabNode, synthesized: SynthesizedNode): void {
  prepareNode(node);
  for (const [path, file] of Object.entries(synthesized.files)) {
    if (path === PATHS.SYSCTL || path === PATHS.RESERVED_PORTS) {
      // net.* settings are per namespace: the node gets exactly the instance's, as at boot.
      writeNodeFile(node, path, file.content, parseInt(file.permissions, 8));
      inNode(node, ["sysctl", "-q", "-p", path]);
      continue;
    }
    // Units are run by the lab, not systemd; no SSM agent; no cloud-init.
    if (path.startsWith("/etc/systemd/") || path === PATHS.SSM_AGENT_INSTALLER) continue;
    if (path === PATHS.CLOUD_INIT_NETWORK) continue;
    writeNodeFile(node, path, file.content, parseInt(file.permissions, 8));
  }
}

/**
 * The files only the config document carries (the server-state program behind SetServerState,
 * the monitoring programs), as the association's first run installs them minutes after boot:
 * what a deployed node has. Scenarios that run the document install them for real.
 */
export function installDocumentFiles(node: LabNode, configDocument: string): void {
  for (const file of DOCUMENT_FILES) {
    const path = PATHS[file.path];
    if (path.startsWith("/etc/systemd/")) continue; // units are run by the lab
    const mode = file.permissions === "0755" ? 0o755 : 0o644;
    writeNodeFile(node, path, stagedFile(configDocument, STAGED[file.staged]), mode);
  }
}

function keepalivedPid(node: LabNode): string | undefined {
  let pid: string;
  try {
    pid = readFileSync(nodePath(node, "/run/keepalived.pid"), "utf8").trim();
  } catch {
    return undefined; // none yet, or keepalived removed it as it stopped (between a check and a read)
  }
  return pid && sh(["kill", "-0", pid], { allowFailure: true }).status === 0 ? pid : undefined;
}

/**
 * Starts keepalived as the drop-in does: `exchange-lb-failover prestart` waits
 * for the unicast source address, then keepalived (VRRP only, in the foreground).
 * `prestart: false` starts keepalived alone, as it would without the drop-in.
 */
export function startKeepalived(node: LabNode, options: { prestart?: boolean } = {}): void {
  rmSync(nodePath(node, "/run/keepalived.pid"), { force: true });
  // systemd's environment: a bare PATH (the release's keepalived first), nothing inherited.
  const keepalived = `exec env -i PATH=${releasePath(SYSTEM_PATH)} keepalived -n -l -D -P -f ${PATHS.KEEPALIVED_CONFIG}`;
  const command =
    options.prestart === false
      ? `echo '$INTERFACE=eth0' > ${PATHS.KEEPALIVED_INTERFACE} && ${keepalived}`
      : `${PATHS.FAILOVER_PROGRAM} prestart && ${keepalived}`;
  startInNode(
    node,
    ["sh", "-c", `mkdir -p ${PATHS.RUN_DIR} && ${command}`],
    nodePath(node, "/run/keepalived.log"),
  );
}

export async function stopKeepalived(node: LabNode): Promise<void> {
  const pid = keepalivedPid(node);
  if (!pid) return;
  sh(["kill", "-TERM", pid], { allowFailure: true });
  await waitFor(
    `keepalived to stop in ${node.ns}`,
    () => keepalivedPid(node) === undefined,
    10_000,
  );
}

/** The VRRP state the failover script last recorded: MASTER, BACKUP, FAULT, ... */
export function vrrpState(node: LabNode): string | undefined {
  const file = nodePath(node, PATHS.FAILOVER_STATE);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

export interface FailoverEvent {
  readonly t: number;
  readonly state: string;
  readonly outcome: string;
}

/** Lines `<epoch seconds> <rest>` of a log in the node, times in ms. */
function timedLines(node: LabNode, path: string): { t: number; rest: string }[] {
  const file = nodePath(node, path);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(" ");
      return { t: Number(line.slice(0, at)) * 1000, rest: line.slice(at + 1) };
    });
}

/** The failover script's event log: one line per keepalived event it handled. */
export function failoverEvents(node: LabNode): FailoverEvent[] {
  return timedLines(node, PATHS.FAILOVER_EVENTS).map(({ t, rest }) => {
    const [state, outcome] = rest.split(" ");
    return { t, state, outcome };
  });
}

/** The AWS CLI calls the node made, as recorded by the fake `aws`. */
export function awsCalls(node: LabNode): { t: number; args: string }[] {
  return timedLines(node, AWS_CALLS).map(({ t, rest }) => ({ t, args: rest }));
}

/** The node's interfaces that hold the VIP (as on EC2: none, or eth0 alone). */
export function vipInterfaces(node: LabNode): string[] {
  return inNs(node.ns, ["ip", "-4", "-o", "address", "show", "to", `${VIP}/32`])
    .stdout.split("\n")
    .filter(Boolean)
    .map((line) => line.split(/\s+/)[1]);
}

/** True when the VIP is an address of the node. */
export function holdsVip(node: LabNode): boolean {
  return vipInterfaces(node).length > 0;
}

/** Stops keepalived everywhere and HAProxy on the second node: the lab back to one load balancer. */
export async function stopPair(): Promise<void> {
  for (const node of ALL_NODES) {
    // A scenario that failed while a node was "powered off" must not leave it so.
    linkUp(HOSTS[node.name]);
    await stopKeepalived(node);
    stopFakeImds(node);
  }
  stopHaproxy(LB_NODES.lb2);
  clearFirewall(LB_NODES.lb2);
  inNs(LB_NODES.lb2.ns, ["ip", "address", "del", `${VIP}/32`, "dev", "eth0"], {
    allowFailure: true,
  });
}

/** Puts the VIP back on the single load balancer and tells the neighbours. */
export function claimVipStatically(): void {
  const { ns } = LB_NODES.lb;
  inNs(ns, ["ip", "address", "replace", `${VIP}/32`, "dev", "eth0"]);
  inNs(ns, ["arping", "-q", "-U", "-c", "1", "-I", "eth0", VIP], { allowFailure: true });
}

/** Runs a synthesized pair: both nodes installed, HAProxy on both, keepalived with lb preferred. */
export async function startPair(lb: SynthesizedLoadBalancer): Promise<void> {
  await stopPair();
  for (const node of ALL_NODES) await stopKeepalived(node);
  inNs(LB_NODES.lb.ns, ["ip", "address", "del", `${VIP}/32`, "dev", "eth0"], {
    allowFailure: true,
  });
  for (const node of ALL_NODES) {
    const synthesized = lb.nodes.find((n) => n.address === node.address);
    if (!synthesized) throw new Error(`the stack has no node at ${node.address}`);
    const peer = ALL_NODES.find((n) => n !== node) as LabNode;
    rmSync(nodePath(node, PATHS.RUN_DIR), { recursive: true, force: true });
    installNode(node, synthesized);
    installDocumentFiles(node, lb.configDocument);
    startAwsStandIns(node, synthesized.secondaryIps);
    fetchCertificates(node);
    applyFirewall(lb.ingress, lb.egress, node, { address: peer.address, rules: lb.pairRules });
    await loadHaproxy(lb.haproxyConfig, "new-instance", node);
  }
  startKeepalived(LB_NODES.lb);
  await waitFor(
    "lb to become MASTER",
    () => vrrpState(LB_NODES.lb) === "MASTER" && holdsVip(LB_NODES.lb),
    15_000,
  );
  startKeepalived(LB_NODES.lb2);
  const lb2Started = Date.now();
  await waitFor("lb2 to become BACKUP", () => vrrpState(LB_NODES.lb2) === "BACKUP", 15_000);
  for (const node of ALL_NODES) assertRunsRelease("keepalived", keepalivedPid(node)!);
  // BACKUP is reported at once, but the instance only runs after vrrp_startup_delay.
  const running = lb2Started + (STARTUP_DELAY_SECONDS + 1) * 1000;
  await new Promise((r) => setTimeout(r, Math.max(0, running - Date.now())));
  for (const node of ALL_NODES) await waitAllUp(15_000, node);
}

/** Runs a command in the node as State Manager would run the config document there. */
export function runConfigDocument(
  node: LabNode,
  document: string,
): { status: number | null; output: string } {
  return runCommandDocument(node, document);
}

/**
 * Runs a Command document's step in the node as Run Command would: each `{{ name }}` is the
 * parameter given or its default, and a value the parameter's allowedPattern or
 * allowedValues refuse is refused before anything runs, as SSM does.
 */
export function runCommandDocument(
  node: LabNode,
  document: string,
  parameters: Readonly<Record<string, string>> = {},
): { status: number | null; output: string } {
  const parsed = JSON.parse(document);
  const declared: Record<
    string,
    { default?: string; allowedPattern?: string; allowedValues?: string[] }
  > = parsed.parameters ?? {};
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = parameters[name] ?? spec.default;
    if (value === undefined) throw new Error(`SSM: parameter ${name} is required`);
    const allowed =
      (!spec.allowedPattern || new RegExp(spec.allowedPattern).test(value)) &&
      (!spec.allowedValues || spec.allowedValues.includes(value));
    if (!allowed) throw new Error(`SSM: parameter ${name} "${value}" is not allowed`);
    values[name] = value;
  }
  const commands: string[] = parsed.mainSteps[0].inputs.runCommand;
  const script = commands
    .join("\n")
    .replace(/\{\{ *([A-Za-z]+) *\}\}/g, (_m, name: string) => values[name]);
  const result = inNode(node, ["sh", "-c", script], { allowFailure: true });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The last lines of a file in the node's /run, or a note that there is none. */
function tail(node: LabNode, path: string, lines: number): string {
  const file = nodePath(node, path);
  if (!existsSync(file)) return `  (no ${path})`;
  const text = readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines);
  return text.map((line) => `  ${line}`).join("\n");
}

/**
 * What each node of the pair was doing, for a failed scenario's message: the
 * recorded VRRP state, its addresses, and the tails of the failover script's
 * events, the AWS calls and keepalived's log. CI keeps only the log.
 */
export function pairDiagnostics(): string {
  return ALL_NODES.map((node) => {
    const addresses = inNs(node.ns, ["ip", "-4", "-o", "address", "show"], {
      allowFailure: true,
    }).stdout.replace(/\s+valid_lft.*$/gm, "");
    return [
      `== ${node.ns}: state ${vrrpState(node) ?? "(none)"}, at ${Date.now() / 1000}`,
      addresses.trimEnd(),
      "events.log:",
      tail(node, PATHS.FAILOVER_EVENTS, 8),
      "aws-calls.log:",
      tail(node, AWS_CALLS, 4),
      "keepalived.log:",
      tail(node, "/run/keepalived.log", 15),
    ].join("\n");
  }).join("\n");
}

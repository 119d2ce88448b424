/**
 * A stand-in for a fleet's Network Load Balancer, which the lab cannot have: a namespace on the
 * lab's bridge that owns the VIP and passes each new connection to a node its health checks
 * found healthy, as the NLB does in the subnet. The checks and the choice run in
 * lab/tools/nlb-checker.js, from the synthesized listeners and target groups (port, path,
 * matcher, interval, timeout, thresholds, stickiness): connections hashed over a listener's
 * healthy nodes (iptables HMARK, then DNAT), the client's address kept (no SNAT, as
 * preserve_client_ip), the nodes' replies routed back through it (a /32 route to each client
 * address on every node; no ICMP redirects either way). Teardown removes the namespace; the
 * lab's teardown does too (its name has the lab's prefix).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabNode } from "./node";
import { LAB_DIR, startDetached } from "./servers";
import { inNs, sh } from "./shell";
import { SynthesizedFleet } from "./stacks";
import { HOSTS, PREFIX, SUBNET_PREFIX, labNamespaces, plugIn } from "./topology";

/** The NLB's own address in the subnet: its health checks come from it. */
export const NLB_STAND_IN = { ns: `${PREFIX}nlb`, address: "192.168.30.9" } as const;

const CHECKER = join(__dirname, "tools", "nlb-checker.js");
const DIR = join(LAB_DIR, "nlb");
const FILES = {
  pid: join(DIR, "checker.pid"),
  events: join(DIR, "events.log"),
  status: join(DIR, "status.json"),
};
/** Every lab client's replies go back through the stand-in (the NLB is in their path on AWS). */
const CLIENTS = HOSTS.client.addresses;

export interface StandInEvent {
  /** Epoch ms of the round that decided it. */
  readonly t: number;
  readonly port: number;
  /** The node's name (lb, lb2). */
  readonly target: string;
  readonly from: string;
  readonly to: "healthy" | "unhealthy";
  /** The check's outcome: a status code, or ECONNREFUSED, timeout, ... */
  readonly result: string;
}

/** Routes on a node: its replies to the clients through the stand-in, no redirect taken. */
function routeThroughStandIn(node: LabNode, on: boolean): void {
  for (const client of CLIENTS) {
    const route = [`${client}/32`, "via", NLB_STAND_IN.address, "dev", "eth0"];
    inNs(node.ns, ["ip", "route", on ? "replace" : "del", ...route], { allowFailure: !on });
  }
  for (const conf of ["all", "eth0"]) {
    inNs(node.ns, ["sysctl", "-q", "-w", `net.ipv4.conf.${conf}.accept_redirects=${on ? 0 : 1}`]);
  }
}

/** The namespace: its own address and the VIP, forwarding on, no redirects sent. */
function createStandIn(vip: string): void {
  const { ns, address } = NLB_STAND_IN;
  plugIn(ns, "nlb");
  inNs(ns, ["ip", "address", "add", `${address}/${SUBNET_PREFIX}`, "dev", "eth0"]);
  inNs(ns, ["ip", "address", "add", `${vip}/32`, "dev", "eth0"]);
  inNs(ns, ["ip", "link", "set", "lo", "up"]);
  inNs(ns, ["ip", "link", "set", "eth0", "up"]);
  inNs(ns, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
  for (const conf of ["all", "eth0"]) {
    inNs(ns, ["sysctl", "-q", "-w", `net.ipv4.conf.${conf}.send_redirects=0`]);
  }
  // The clients learn the VIP's new owner (a node held it before).
  inNs(HOSTS.client.ns, ["ip", "neigh", "flush", "to", vip], { allowFailure: true });
  inNs(ns, ["arping", "-q", "-U", "-c", "1", "-I", "eth0", vip], { allowFailure: true });
}

/**
 * Starts the stand-in in front of `nodes` (the registered targets of every target group); the
 * checker starts checking at once, every node "initial" until it passes.
 */
export function startNlbStandIn(fleet: SynthesizedFleet, nodes: readonly LabNode[]): void {
  stopNlbStandIn(nodes);
  mkdirSync(DIR, { recursive: true });
  rmSync(FILES.events, { force: true });
  rmSync(FILES.status, { force: true });
  createStandIn(fleet.vipAddress);
  for (const node of nodes) routeThroughStandIn(node, true);
  const args = {
    vip: fleet.vipAddress,
    targets: nodes.map((n) => ({ name: n.name, address: n.address })),
    listeners: fleet.listeners,
    status: FILES.status,
    rnd: Math.floor(Math.random() * 0xffffffff),
  };
  const checker = [process.execPath, CHECKER, JSON.stringify(args)];
  writeFileSync(FILES.pid, String(startDetached(NLB_STAND_IN.ns, checker, FILES.events)));
}

/** Removes the stand-in (its checker, namespace, the nodes' routes), if it runs. Idempotent. */
export function stopNlbStandIn(nodes: readonly LabNode[]): void {
  if (!labNamespaces().includes(NLB_STAND_IN.ns)) return;
  if (existsSync(FILES.pid)) {
    sh(["kill", "-TERM", readFileSync(FILES.pid, "utf8").trim()], { allowFailure: true });
    rmSync(FILES.pid, { force: true });
  }
  for (const node of nodes) routeThroughStandIn(node, false);
  for (let attempt = 0; attempt < 20; attempt++) {
    const pids = sh(["ip", "netns", "pids", NLB_STAND_IN.ns]).stdout.trim();
    if (!pids) break;
    sh(["sleep", "0.1"]);
  }
  sh(["ip", "netns", "del", NLB_STAND_IN.ns]);
}

/** What the stand-in says of each listener's targets: port -> node address -> state. */
export function standInStates(): Record<string, Record<string, string>> {
  if (!existsSync(FILES.status)) return {};
  return JSON.parse(readFileSync(FILES.status, "utf8")).targets;
}

/** True when every listener in `ports` (all: none given) has `node` in `state`. */
export function standInSays(node: LabNode, state: string, ports?: readonly number[]): boolean {
  const states = standInStates();
  const listed = Object.keys(states).filter((p) => !ports || ports.includes(Number(p)));
  return listed.length > 0 && listed.every((p) => states[p][node.address] === state);
}

/** Every change the checker made, in order. */
export function standInEvents(): StandInEvent[] {
  if (!existsSync(FILES.events)) return [];
  return readFileSync(FILES.events, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as StandInEvent);
}

/** The checker's status (states, last checks' outcomes) and log: for a failed scenario's message. */
export function standInLog(): string {
  const status = existsSync(FILES.status) ? readFileSync(FILES.status, "utf8") : "(no status)";
  const log = existsSync(FILES.events) ? readFileSync(FILES.events, "utf8") : "(no checker log)";
  return `${status}\n${log.trimEnd().split("\n").slice(-20).join("\n")}`;
}

/** A health check as the stand-in makes it: the status code, or 0 when nothing answered. */
export function askHealth(node: LabNode, port: number, path: string): number {
  const url = `http://${node.address}:${port}${path}`;
  const result = inNs(
    NLB_STAND_IN.ns,
    ["curl", "-s", "-o", "/dev/null", "-m", "2", "-w", "%{http_code}", url],
    { allowFailure: true },
  );
  return Number(result.stdout.trim()) || 0;
}

/**
 * New connections the stand-in passed to each node on `port` since its rules were last
 * rewritten (the DNAT rules' packet counters: a connection's first packet only).
 */
export function dnatCounts(port: number): Record<string, number> {
  const out = inNs(NLB_STAND_IN.ns, [
    "iptables",
    "-t",
    "nat",
    "-L",
    `tg-${port}`,
    "-v",
    "-x",
    "-n",
  ]);
  const counts: Record<string, number> = {};
  for (const line of out.stdout.split("\n")) {
    const match = /^\s*(\d+)\s+\d+\s+DNAT\b.*to:([\d.]+)/.exec(line);
    if (match) counts[match[2]] = (counts[match[2]] ?? 0) + Number(match[1]);
  }
  return counts;
}

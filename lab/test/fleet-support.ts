/**
 * Scenario 19's clients and measurements: connections through the VIP, what each node took
 * (its frontends' sessions) and what the NLB stand-in sent it (its DNAT counters), the
 * stand-in's changes, the client addresses each node logged.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PATHS } from "../../lib/instance/paths";
import { frontendSessions } from "../fleet";
import { serverStats, waitFor } from "../haproxy";
import { haproxyLog } from "../haproxy-log";
import * as nlb from "../nlb-stand-in";
import { LB_NODES, LabNode, nodePath } from "../node";
import { LAB_DIR } from "../servers";
import { inNs } from "../shell";
import { SynthesizedLoadBalancer } from "../stacks";
import { HOSTS } from "../topology";
import { Attempt, ProbeResult, connect, pairTest, timeline } from "./support";

export const NODES: readonly LabNode[] = [LB_NODES.lb, LB_NODES.lb2];
export const CLIENTS = HOSTS.client.addresses;

/** `count` new HTTPS connections through the VIP from the clients' addresses in turn (GET /owa/). */
export const web = (count: number) =>
  connect("client", 443, count, { from: CLIENTS, tls: true, http: "/owa/" });
/** `count` new IMAP connections through the VIP, each greeted by a real server. */
export const imap = (count: number) => connect("client", 143, count, { from: CLIENTS });
/** Connections that reached no real server. */
export const failed = (results: readonly (Attempt | ProbeResult)[]) =>
  results.filter((r) => r.error || !r.server).length;

/** New HTTPS connections through the VIP, one every `everyMs` for `ms` (or until `flag` exists). */
export function load(ms: number, everyMs: number, flag?: string) {
  const options = { ms, everyMs, timeoutMs: 3000, tls: true, http: "/owa/", from: CLIENTS };
  return timeline("client", 443, { ...options, untilFile: flag });
}

/** The haproxy.cfg the node has (HAProxy's unit reads it at a start). */
export const installedConfig = (node: LabNode) =>
  readFileSync(nodePath(node, PATHS.HAPROXY_CONFIG), "utf8");

/** A fresh flag file that ends a client's timeline when written. */
export function flag(name: string): string {
  const path = join(LAB_DIR, "nlb", name);
  mkdirSync(join(LAB_DIR, "nlb"), { recursive: true });
  rmSync(path, { force: true });
  return path;
}

/** The listener ports whose target group checks `vip`'s path, and that check. */
export function listenersOf(stack: SynthesizedLoadBalancer, vip: string) {
  const listeners = stack.fleet!.listeners.filter((l) => l.healthCheck.path === `/vip/${vip}`);
  return { ports: listeners.map((l) => l.port), check: listeners[0].healthCheck };
}

/** Each node's frontends' sessions; none where HAProxy is stopped. */
const sessions = () =>
  Promise.all(NODES.map((n) => frontendSessions(n).catch((): Record<string, number> => ({}))));

/**
 * Sessions each node's `frontend` took while `fn` ran (one HAProxy process throughout), and
 * the new connections the stand-in sent each node on `port`.
 */
export async function perNode<T>(frontend: string, port: number, fn: () => T | Promise<T>) {
  const before = await sessions();
  const dnatBefore = nlb.dnatCounts(port);
  const result = await fn();
  const after = await sessions();
  const dnat = nlb.dnatCounts(port);
  const counts: Record<string, number> = {};
  const sent: Record<string, number> = {};
  NODES.forEach((n, i) => {
    counts[n.name] = (after[i][frontend] ?? 0) - (before[i][frontend] ?? 0);
    sent[n.name] = (dnat[n.address] ?? 0) - (dnatBefore[n.address] ?? 0);
  });
  return { result, counts, sent };
}

/** Seconds from `since` to each of the stand-in's changes of `node` to `to` (on `ports`). */
export function changedAfter(since: number, node: LabNode, to: string, ports?: readonly number[]) {
  return nlb
    .standInEvents()
    .filter((e) => e.t >= since && e.target === node.name && e.to === to)
    .filter((e) => !ports || ports.includes(e.port))
    .map((e) => (e.t - since) / 1000);
}

/** The client addresses in the node's CasHttps log lines past `offset` (tcplog's first field). */
export async function clientsLogged(node: LabNode, offset: number, expected: number) {
  const lines = () =>
    [
      ...haproxyLog(node)
        .slice(offset)
        .matchAll(/ ([\d.]+):\d+ \[[^\]]*\] CasHttps /g),
    ].map((m) => m[1]);
  await waitFor(`${node.ns}'s log lines`, () => lines().length >= expected, 5_000);
  return [...new Set(lines())].sort();
}

/** What went wrong, for a failed step's message: the stand-in's view, the nodes' routes. */
async function diagnostics(): Promise<string> {
  const nodes = await Promise.all(
    NODES.map(async (n) => {
      const stats = await serverStats(n).catch((e: Error) => e.message);
      const routes = inNs(n.ns, ["ip", "route"], { allowFailure: true }).stdout;
      return `== ${n.ns}\n${routes}${JSON.stringify(stats)}`;
    }),
  );
  return [`stand-in: ${nlb.standInLog()}`, ...nodes].join("\n");
}

export function fleetTest(name: string, fn: () => Promise<void>): void {
  pairTest(name, fn, 90_000, diagnostics);
}

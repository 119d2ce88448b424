/**
 * HAProxy in a lab load-balancer node, run with the synthesized haproxy.cfg
 * unchanged at /etc/haproxy/haproxy.cfg, as Debian's unit runs it
 * (master-worker, pid in /run/haproxy.pid, a pair node's peer name from
 * EXTRAOPTS in /etc/default/haproxy), and read through its admin socket.
 */
import { SOURCE_ADDRESS_ENV } from "../lib/instance/source-addresses";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { PATHS, SYSTEM_PATH } from "../lib/instance/paths";
import { withLogSocket } from "./haproxy-log";
import { LB_NODES, LabNode, inNode, nodePath } from "./node";
import { assertRunsRelease, releasePath } from "./release";
import { inNs, sh } from "./shell";

const CONFIG = PATHS.HAPROXY_CONFIG;
const PID = PATHS.HAPROXY_PIDFILE;
/** The lab checks a config here before it runs it, beside the real one. */
const CANDIDATE = `${dirname(CONFIG)}/candidate.cfg`;

function adminSocket(config: string): string {
  const match = /^\s*stats socket (\S+)/m.exec(config);
  if (!match) throw new Error("the config declares no stats socket");
  return match[1];
}

/** `-L <name>` when the node's /etc/default/haproxy names it in a peers section. */
function peerOptions(node: LabNode): string[] {
  const defaults = readFileSync(nodePath(node, PATHS.HAPROXY_DEFAULTS), "utf8");
  const match = /-L ([A-Za-z0-9._-]+)/.exec(defaults);
  return match ? ["-L", match[1]] : [];
}

function runningPid(node: LabNode): string | undefined {
  const file = nodePath(node, PID);
  if (!existsSync(file)) return undefined;
  const pid = readFileSync(file, "utf8").trim();
  return pid && sh(["kill", "-0", pid], { allowFailure: true }).status === 0 ? pid : undefined;
}

/**
 * Checks the config with `haproxy -c`, then runs it: "reload" sends SIGUSR2 to
 * the master, which starts new workers that take over the listeners
 * (expose-fd listeners) while the old ones finish their sessions; "restart"
 * ends HAProxy and starts anew; "new-instance" also drops the namespace's
 * TIME-WAIT sockets, as a newly created instance has none (an earlier
 * scenario's outgoing connection may hold a port this config listens on, one
 * that scenario's sysctl did not reserve). A config that fails the check
 * throws and leaves the running one untouched.
 */
export async function loadHaproxy(
  config: string,
  mode: "reload" | "restart" | "new-instance" = "restart",
  node: LabNode = LB_NODES.lb,
): Promise<void> {
  writeFileSync(nodePath(node, CANDIDATE), config);
  inNode(node, ["haproxy", "-c", "-q", ...peerOptions(node), "-f", CANDIDATE]);
  const master = runningPid(node);
  if (master && mode === "reload") {
    const before = await workerPid(node);
    writeFileSync(nodePath(node, CONFIG), config);
    sh(["kill", "-USR2", master]);
    await waitFor(
      "the new worker",
      async () => (await workerPid(node).catch(() => before)) !== before,
      10_000,
    );
    return;
  }
  stopHaproxy(node);
  // Every process, not just the master: a worker still exiting holds its listeners.
  await waitFor("HAProxy to stop", () => haproxyPids(node).length === 0, 10_000).catch(() => {
    sh(["kill", "-KILL", ...haproxyPids(node)], { allowFailure: true });
  });
  if (mode === "new-instance") {
    await forgetTimeWait(node);
    // A new instance starts from no saved server states, not an earlier scenario's drain.
    rmSync(nodePath(node, PATHS.SERVER_STATE), { force: true });
  }
  writeFileSync(nodePath(node, CONFIG), config);
  // Debian's unit gives the master a CLI (EXTRAOPTS="-S /run/haproxy-master.sock").
  const masterCli = ["-S", PATHS.HAPROXY_MASTER_SOCKET];
  // As the unit runs it: its environment is what the source-address program (its ExecStartPre)
  // wrote from IMDS, the primary and any extra source addresses, which `source` and the admin
  // port's bind read.
  const start = [
    "env",
    ...sourceEnvironment(node),
    "haproxy",
    "-W",
    "-D",
    ...masterCli,
    ...peerOptions(node),
    "-f",
    CONFIG,
    "-p",
    PID,
  ];
  const log = nodePath(node, "/run/haproxy-control.log");
  const started = inNode(node, withLogSocket(node, start), { log, allowFailure: true });
  if (started.status !== 0) {
    // Listeners only (a bind conflict), then HAProxy's own words last, where a truncated log keeps them.
    const listeners = inNs(node.ns, ["ss", "-tlnp"], { allowFailure: true }).stdout;
    throw new Error(
      `${start.join(" ")} exited ${started.status} in ${node.ns}\n${listeners}\n${started.stdout}`,
    );
  }
  await waitFor("HAProxy to start", () => runningPid(node) !== undefined, 10_000);
  assertRunsRelease("haproxy", runningPid(node)!);
}

/** The unit's environment: the synthesized source-address program run in the node, as ExecStartPre. */
function sourceEnvironment(node: LabNode): string[] {
  inNode(node, ["env", "-i", `PATH=${releasePath(SYSTEM_PATH)}`, PATHS.SOURCE_ADDRESS_PROGRAM]);
  const written = readFileSync(nodePath(node, PATHS.HAPROXY_ENVIRONMENT), "utf8");
  const lines = written.split("\n").filter(Boolean);
  if (!lines.includes(`${SOURCE_ADDRESS_ENV}=${node.address}`)) {
    throw new Error(`${PATHS.SOURCE_ADDRESS_PROGRAM} in ${node.ns} wrote ${written}`);
  }
  return lines;
}

/** Kills the namespace's TIME-WAIT sockets (`ss -K`); where the kernel cannot, waits them out. */
async function forgetTimeWait(node: LabNode): Promise<void> {
  const remaining = () =>
    inNs(node.ns, ["ss", "-tnH", "state", "time-wait"]).stdout.trim().split("\n").filter(Boolean);
  inNs(node.ns, ["ss", "-K", "-tnH", "state", "time-wait"], { allowFailure: true });
  // Linux keeps a TIME-WAIT socket for 60 s.
  await waitFor("TIME-WAIT sockets to expire", () => remaining().length === 0, 65_000);
}

/** Every HAProxy process in the node's namespace: master, workers, old workers. */
function haproxyPids(node: LabNode): string[] {
  return sh(["ip", "netns", "pids", node.ns])
    .stdout.split("\n")
    .filter(Boolean)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "haproxy";
      } catch {
        return false;
      }
    });
}

/** Ends HAProxy in the node (master and workers), if it runs. */
export function stopHaproxy(node: LabNode): void {
  const master = runningPid(node);
  if (master) sh(["kill", "-TERM", master], { allowFailure: true });
}

/** Kills every HAProxy process of the node at once, as a crash would. */
export function killHaproxy(node: LabNode): void {
  const master = runningPid(node);
  if (!master) throw new Error(`HAProxy is not running in ${node.ns}`);
  const workers = sh(["pgrep", "-P", master], { allowFailure: true }).stdout.split("\n");
  sh(["kill", "-KILL", master, ...workers.filter(Boolean)], { allowFailure: true });
}

export async function adminCommand(command: string, node: LabNode): Promise<string> {
  const socket = nodePath(node, adminSocket(readFileSync(nodePath(node, CONFIG), "utf8")));
  return new Promise<string>((resolve, reject) => {
    let data = "";
    const s = connect(socket, () => s.write(`${command}\n`));
    s.on("data", (chunk) => (data += chunk.toString()));
    s.on("end", () => resolve(data));
    s.on("error", reject);
  });
}

/** The pid of the worker answering on the admin socket. */
async function workerPid(node: LabNode): Promise<string> {
  const match = /^Pid: (\d+)$/m.exec(await adminCommand("show info", node));
  if (!match) throw new Error("no Pid in show info");
  return match[1];
}

/** `show table <name>`: the source addresses in a stick table and the server id each sticks to. */
export async function stickTable(
  table: string,
  node: LabNode = LB_NODES.lb,
): Promise<Record<string, number>> {
  const out = await adminCommand(`show table ${table}`, node);
  const entries: Record<string, number> = {};
  for (const match of out.matchAll(/key=(\S+) .*server_id=(\d+)/g)) {
    entries[match[1]] = Number(match[2]);
  }
  return entries;
}

export interface ServerStat {
  readonly backend: string;
  readonly server: string;
  /** UP, DOWN, MAINT, "UP 1/2" while rising, ... */
  readonly status: string;
  readonly weight: number;
  readonly currentSessions: number;
  readonly totalSessions: number;
  /** Connections moved away from this server to another after a failed attempt (`wredis`). */
  readonly redispatches: number;
}

/** `show stat` over the admin socket: one row per real server. */
export async function serverStats(node: LabNode = LB_NODES.lb): Promise<ServerStat[]> {
  const [header, ...rows] = (await adminCommand("show stat", node)).trim().split("\n");
  const cols = header.replace(/^# /, "").split(",");
  const at = (row: string[], name: string) => row[cols.indexOf(name)];
  return rows
    .map((line) => line.split(","))
    .filter((row) => !["FRONTEND", "BACKEND"].includes(at(row, "svname")))
    .map((row) => ({
      backend: at(row, "pxname"),
      server: at(row, "svname"),
      status: at(row, "status"),
      weight: Number(at(row, "weight")),
      currentSessions: Number(at(row, "scur")),
      totalSessions: Number(at(row, "stot")),
      redispatches: Number(at(row, "wredis")),
    }));
}

/**
 * `disable health` / `enable health` for one real server: while disabled the
 * server keeps its state ("no check") and takes traffic, which holds the moment
 * before a health check notices a failure for as long as a test needs it.
 */
export async function setHealthCheck(
  backend: string,
  server: string,
  enabled: boolean,
  node: LabNode = LB_NODES.lb,
): Promise<void> {
  const command = `${enabled ? "enable" : "disable"} health ${backend}/${server}`;
  const out = (await adminCommand(command, node)).trim();
  if (out) throw new Error(`${command}: ${out}`);
}

/** Polls until `predicate` holds; returns the milliseconds it took, or throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  predicate: () => Promise<boolean> | boolean,
  timeoutMs: number,
  stepMs = 50,
): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await predicate()) return Date.now() - start;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Waits until every real server of every backend is UP. */
export async function waitAllUp(timeoutMs = 15_000, node: LabNode = LB_NODES.lb): Promise<void> {
  await waitFor(
    `all real servers UP in ${node.ns}`,
    async () => (await serverStats(node)).every((s) => s.status === "UP"),
    timeoutMs,
  );
}

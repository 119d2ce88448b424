/**
 * HAProxy in the load balancer namespace, run with the synthesized haproxy.cfg
 * unchanged, and read through the admin socket that config declares.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { HOSTS } from "./topology";
import { LAB_DIR } from "./servers";
import { inNs, sh } from "./shell";

const DIR = join(LAB_DIR, "haproxy");
const CONFIG = join(DIR, "haproxy.cfg");
const PID = join(DIR, "haproxy.pid");

function adminSocket(config: string): string {
  const match = /^\s*stats socket (\S+)/m.exec(config);
  if (!match) throw new Error("the config declares no stats socket");
  return match[1];
}

function runningPid(): string | undefined {
  if (!existsSync(PID)) return undefined;
  const pid = readFileSync(PID, "utf8").trim();
  return pid && sh(["kill", "-0", pid], { allowFailure: true }).status === 0 ? pid : undefined;
}

/**
 * Checks the config with `haproxy -c`, then runs it as Debian's unit does
 * (master-worker, `haproxy -Ws`): "reload" sends SIGUSR2 to the master, which
 * starts new workers that take over the listeners (expose-fd listeners) while
 * the old ones finish their sessions; "restart" ends HAProxy and starts anew.
 * A config that fails the check throws and leaves the running one untouched.
 */
export async function loadHaproxy(
  config: string,
  mode: "reload" | "restart" = "restart",
): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  mkdirSync(join(adminSocket(config), ".."), { recursive: true });
  const candidate = join(DIR, "candidate.cfg");
  writeFileSync(candidate, config);
  sh(["haproxy", "-c", "-q", "-f", candidate]);
  const master = runningPid();
  if (master && mode === "reload") {
    const before = await workerPid();
    writeFileSync(CONFIG, config);
    sh(["kill", "-USR2", master]);
    await waitFor(
      "the new worker",
      async () => (await workerPid().catch(() => before)) !== before,
      10_000,
    );
    return;
  }
  if (master) {
    sh(["kill", "-TERM", master]);
    await waitFor("HAProxy to stop", () => runningPid() === undefined, 10_000);
  }
  writeFileSync(CONFIG, config);
  inNs(HOSTS.lb.ns, ["haproxy", "-W", "-D", "-f", CONFIG, "-p", PID], {
    log: join(DIR, "control.log"),
  });
}

async function adminCommand(command: string): Promise<string> {
  const socket = adminSocket(readFileSync(CONFIG, "utf8"));
  return new Promise<string>((resolve, reject) => {
    let data = "";
    const s = connect(socket, () => s.write(`${command}\n`));
    s.on("data", (chunk) => (data += chunk.toString()));
    s.on("end", () => resolve(data));
    s.on("error", reject);
  });
}

/** The pid of the worker answering on the admin socket. */
async function workerPid(): Promise<string> {
  const match = /^Pid: (\d+)$/m.exec(await adminCommand("show info"));
  if (!match) throw new Error("no Pid in show info");
  return match[1];
}

export interface ServerStat {
  readonly backend: string;
  readonly server: string;
  /** UP, DOWN, MAINT, "UP 1/2" while rising, ... */
  readonly status: string;
  readonly weight: number;
  readonly currentSessions: number;
  readonly totalSessions: number;
}

/** `show stat` over the admin socket: one row per real server. */
export async function serverStats(): Promise<ServerStat[]> {
  const [header, ...rows] = (await adminCommand("show stat")).trim().split("\n");
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
    }));
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
export async function waitAllUp(timeoutMs = 15_000): Promise<void> {
  await waitFor(
    "all real servers UP",
    async () => (await serverStats()).every((s) => s.status === "UP"),
    timeoutMs,
  );
}

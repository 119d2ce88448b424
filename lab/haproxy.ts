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
 * Checks the config with `haproxy -c`, then starts HAProxy, or replaces the
 * running one: `-sf` lets old sessions finish (a reload), `-st` ends them.
 */
export function loadHaproxy(config: string, mode: "reload" | "restart" = "restart"): void {
  mkdirSync(DIR, { recursive: true });
  mkdirSync(join(adminSocket(config), ".."), { recursive: true });
  writeFileSync(CONFIG, config);
  sh(["haproxy", "-c", "-q", "-f", CONFIG]);
  const old = runningPid();
  const replace = old ? [mode === "reload" ? "-sf" : "-st", old] : [];
  inNs(HOSTS.lb.ns, ["haproxy", "-f", CONFIG, "-D", "-p", PID, ...replace], {
    log: join(DIR, "control.log"),
  });
}

export interface ServerStat {
  readonly backend: string;
  readonly server: string;
  /** UP, DOWN, MAINT, "UP 1/2" while rising, ... */
  readonly status: string;
  readonly currentSessions: number;
  readonly totalSessions: number;
}

/** `show stat` over the admin socket: one row per real server. */
export async function serverStats(): Promise<ServerStat[]> {
  const socket = adminSocket(readFileSync(CONFIG, "utf8"));
  const csv = await new Promise<string>((resolve, reject) => {
    let data = "";
    const s = connect(socket, () => s.write("show stat\n"));
    s.on("data", (chunk) => (data += chunk.toString()));
    s.on("end", () => resolve(data));
    s.on("error", reject);
  });
  const [header, ...rows] = csv.trim().split("\n");
  const cols = header.replace(/^# /, "").split(",");
  const at = (row: string[], name: string) => row[cols.indexOf(name)];
  return rows
    .map((line) => line.split(","))
    .filter((row) => !["FRONTEND", "BACKEND"].includes(at(row, "svname")))
    .map((row) => ({
      backend: at(row, "pxname"),
      server: at(row, "svname"),
      status: at(row, "status"),
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

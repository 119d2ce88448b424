/**
 * Measuring a failover from the client's side: new connections to the VIP at a
 * fixed cadence, then how long service was gone and how many attempts failed.
 */
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { HOSTS, INTERNET_NS, VIP } from "./topology";

const PROBE = join(__dirname, "tools", "probe.js");

export type ClientNs = "client" | "smarthost" | "internet";

/** The namespace a client runs in: a lab host's, or the boot lab's internet. */
export function clientNamespace(ns: ClientNs): string {
  return ns === "internet" ? INTERNET_NS : HOSTS[ns].ns;
}

export interface Attempt {
  /** Milliseconds after the client started. */
  readonly t: number;
  readonly ok: boolean;
  readonly server?: string | null;
  readonly from?: string;
  readonly error?: string;
}

/**
 * A client opening a new connection to the VIP every `everyMs` for `ms`, in the
 * background; resolves with every attempt once done. `started` is the client's
 * clock zero on the test's clock.
 */
export function timeline(
  ns: ClientNs,
  port: number,
  options: {
    ms: number;
    everyMs: number;
    timeoutMs: number;
    from?: readonly string[];
    /** The address to connect to; the VIP unless given. */
    host?: string;
    /** Speak TLS (SNI mail.lab.test), and ask this path over HTTP: the server names itself. */
    tls?: boolean;
    http?: string;
    /** Stop before `ms` once this file exists (a command's end, then a few seconds more). */
    untilFile?: string;
  },
): { started: number; done: Promise<Attempt[]> } {
  const child = spawnProbe(ns, { mode: "timeline", host: VIP, port, ...options });
  const started = Date.now();
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => (out += chunk.toString()));
  child.stderr.on("data", (chunk) => (err += chunk.toString()));
  const done = new Promise<Attempt[]>((resolve, reject) =>
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(out))
        : reject(new Error(`timeline probe exited ${code}: ${err}`)),
    ),
  );
  return { started, done };
}

export interface Outage {
  readonly attempts: number;
  readonly failed: number;
  /** From the event to the first successful connection after the last failure. */
  readonly secondsWithoutService: number;
}

/** Failed attempts, and how long after `eventAt` (client clock, ms) service was back for good. */
export function outage(attempts: readonly Attempt[], eventAt: number): Outage {
  const failures = attempts.filter((a) => !a.ok);
  const lastFailure = failures.length > 0 ? failures[failures.length - 1].t : eventAt;
  const back = attempts.find((a) => a.ok && a.t > lastFailure && a.t >= eventAt);
  if (!back) throw new Error("service never came back during the measurement");
  return {
    attempts: attempts.length,
    failed: failures.length,
    secondsWithoutService:
      failures.length === 0 ? 0 : Number(((back.t - eventAt) / 1000).toFixed(2)),
  };
}

/** The probe tool in a client namespace, as a child process. */
export function spawnProbe(ns: ClientNs, args: object): ChildProcessWithoutNullStreams {
  return spawn("ip", [
    "netns",
    "exec",
    clientNamespace(ns),
    process.execPath,
    PROBE,
    JSON.stringify(args),
  ]);
}

/** The probe in a client namespace without blocking, e.g. load while a config rolls out. */
export function probeInBackground(
  args: Record<string, unknown>,
  ns: ClientNs = "client",
): Promise<Record<string, number>> {
  const child = spawnProbe(ns, args);
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk.toString()));
  return new Promise((resolve) => child.on("close", () => resolve(JSON.parse(out))));
}

/** Clients for the scenarios: the probe tool run inside a lab namespace. */
import { join } from "node:path";
import { applyStack } from "../lab";
import { ClientNs, clientNamespace, spawnProbe } from "../measure";
import { pairDiagnostics } from "../pair";
import { inNs } from "../shell";
import { StackBuilder, synthesize } from "../stacks";
import { VIP } from "../topology";

const PROBE = join(__dirname, "..", "tools", "probe.js");

export interface ProbeResult {
  readonly from?: string;
  readonly server?: string | null;
  readonly first?: string;
  readonly status?: number;
  readonly location?: string | null;
  readonly error?: string;
}

export type { ClientNs };

/** `count` new connections to the VIP, in turn; what each one reached. */
export function connect(
  ns: ClientNs,
  port: number,
  count: number,
  options: {
    from?: readonly string[];
    tls?: boolean;
    http?: string;
    host?: string;
    timeoutMs?: number;
  } = {},
): ProbeResult[] {
  const args = { mode: "banner", host: options.host ?? VIP, port, count, ...options };
  const out = inNs(clientNamespace(ns), [process.execPath, PROBE, JSON.stringify(args)], {
    timeoutMs: 120_000,
  });
  return JSON.parse(out.stdout);
}

/** How many results reached each server. */
export function tally(results: readonly ProbeResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.server ?? `error:${r.error ?? "none"}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export interface HeldEvent {
  readonly t: number;
  readonly event: "open" | "data" | "closed" | "error" | "gave-up";
  readonly first?: string;
  readonly text?: string;
}

/** One connection held open in the background; its events as they come. */
export function hold(
  ns: ClientNs,
  port: number,
  options: {
    from?: string;
    maxMs?: number;
    /** Speak TLS (SNI mail.lab.test). */
    tls?: boolean;
    /** What to send, and when (ms after the start). */
    probe?: string;
    probeAfterMs?: readonly number[];
  },
): { events: HeldEvent[]; done: Promise<HeldEvent[]>; opened: Promise<HeldEvent> } {
  const child = spawnProbe(ns, { mode: "hold", host: VIP, port, ...options });
  const events: HeldEvent[] = [];
  let buffer = "";
  let onOpen: (e: HeldEvent) => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const opened = new Promise<HeldEvent>((resolve, reject) => {
    onOpen = resolve;
    onFail = reject;
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const event = JSON.parse(buffer.slice(0, nl)) as HeldEvent;
      buffer = buffer.slice(nl + 1);
      events.push(event);
      if (event.event === "open") onOpen(event);
    }
  });
  const done = new Promise<HeldEvent[]>((resolve) =>
    child.on("close", (code) => {
      // Settles `opened` if the connection never opened; a no-op otherwise.
      onFail(new Error(`probe ended (exit ${code}) before the connection opened: ${stderr}`));
      resolve(events);
    }),
  );
  return { events, done, opened };
}

/** Synthesizes a lab stack and runs it in the lab; returns its haproxy.cfg. */
export async function runStack(build: StackBuilder): Promise<string> {
  const lb = synthesize(build);
  await applyStack(lb);
  return lb.haproxyConfig;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Prints a measured number so that it shows in the test output. */
export function report(name: string, value: unknown): void {
  process.stdout.write(`LAB RESULT ${name}: ${JSON.stringify(value)}\n`);
}

export { outage, timeline } from "../measure";
export type { Attempt, Outage } from "../measure";

/**
 * A pair scenario: a failure's message ends with what both nodes were doing
 * (states, addresses, failover events, keepalived's log), since CI keeps only the log.
 */
export function pairTest(
  name: string,
  fn: () => Promise<void> | void,
  timeoutMs?: number,
  diagnostics: () => string | Promise<string> = pairDiagnostics,
): void {
  test(
    name,
    async () => {
      try {
        await fn();
      } catch (error) {
        if (error instanceof Error) error.message += `\n${await diagnostics()}`;
        throw error;
      }
    },
    timeoutMs,
  );
}

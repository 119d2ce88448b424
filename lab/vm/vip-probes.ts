/** A client's first connection through each VIP of the 2010 lab stack, timed from power-on. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Attempt, ClientNs, timeline } from "../measure";
import { ProbeResult, connect } from "../test/support";

export interface VipProbe {
  readonly name: string;
  readonly ns: ClientNs;
  readonly port: number;
  readonly options: { tls?: boolean; http?: string; from?: readonly string[]; host?: string };
  /** Who may answer: the real servers of that VIP. */
  readonly servers: RegExp;
}

/** Guide 001's VIPs in the 2010 lab stack (lab/stacks.ts lab2010), SMTP from a smart host. */
export const VIP_PORTS: readonly VipProbe[] = [
  {
    name: "HTTPS 443",
    ns: "client",
    port: 443,
    options: { tls: true, http: "/owa/" },
    servers: /^CAS[12]$/,
  },
  { name: "RPC 135", ns: "client", port: 135, options: {}, servers: /^CAS[12]$/ },
  { name: "RPC 60200", ns: "client", port: 60200, options: {}, servers: /^CAS[12]$/ },
  { name: "RPC 60201", ns: "client", port: 60201, options: {}, servers: /^CAS[12]$/ },
  { name: "IMAP 143", ns: "client", port: 143, options: {}, servers: /^CAS[12]$/ },
  { name: "POP3 110", ns: "client", port: 110, options: {}, servers: /^CAS[12]$/ },
  {
    name: "SMTP 25",
    ns: "smarthost",
    port: 25,
    options: { from: ["192.168.30.50"] },
    servers: /^HT1$/,
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tries one new connection a second until a real server answers; ms after `since`. */
export async function firstConnection(
  probe: VipProbe,
  since: number,
  timeoutMs: number,
): Promise<{ afterMs: number; server: string }> {
  let last: ProbeResult | undefined;
  while (Date.now() - since < timeoutMs) {
    [last] = connect(probe.ns, probe.port, 1, probe.options);
    if (last?.server) return { afterMs: Date.now() - since, server: last.server };
    await sleep(1000);
  }
  throw new Error(
    `${probe.name}: no connection through the VIP within ${timeoutMs} ms (last: ${JSON.stringify(last)})`,
  );
}

/**
 * New connections to `port` every `everyMs` from `leadMs` before `action` until `tailMs`
 * after it ends (at most `maxMs`): what clients saw while it ran, and how long it took.
 */
export async function whileRunning(
  port: number,
  action: () => Promise<unknown>,
  options: { maxMs: number; everyMs: number; timeoutMs: number; leadMs?: number; tailMs?: number },
): Promise<{ attempts: Attempt[]; failed: number; actionMs: number }> {
  const stop = join(mkdtempSync(join(tmpdir(), "exchange-lab-timeline-")), "stop");
  const client = timeline("client", port, { ...options, ms: options.maxMs, untilFile: stop });
  try {
    await sleep(options.leadMs ?? 3000);
    const start = Date.now();
    await action();
    const actionMs = Date.now() - start;
    await sleep(options.tailMs ?? 3000);
    writeFileSync(stop, "");
    const attempts = await client.done;
    if (Date.now() - client.started >= options.maxMs)
      throw new Error(`the action outlasted the ${options.maxMs} ms measurement`);
    return { attempts, failed: attempts.filter((a) => !a.ok).length, actionMs };
  } finally {
    // On a failure too: the probe stops at its next attempt, not at maxMs.
    writeFileSync(stop, "");
    await client.done.catch(() => undefined);
    rmSync(dirname(stop), { recursive: true, force: true });
  }
}

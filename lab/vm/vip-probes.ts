/** A client's first connection through each VIP of the 2010 lab stack, timed from power-on. */
import { ProbeResult, connect } from "../test/support";
import { ClientNs } from "../measure";

export interface VipProbe {
  readonly name: string;
  readonly ns: ClientNs;
  readonly port: number;
  readonly options: { tls?: boolean; http?: string; from?: readonly string[] };
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

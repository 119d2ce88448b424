/**
 * npm run bench:failover — the clustered pair's failover, phase by phase, in the lab: the
 * master's HAProxy killed, and the master's whole node down (every process killed, link
 * down), each `BENCH_FAILOVER_ROUNDS` times (5), with and without CPU load (3 busy loops on
 * the machine's cores, bounded); then the pair left alone under that load for
 * `BENCH_FAILOVER_WATCH_S` seconds (600), counting VRRP transitions nobody caused.
 * Phases, from the failure: the old master's FAULT (HAProxy) and the new master's MASTER and
 * claim (its failover program's event log), and the client's first new connection after the
 * last failed one (a new IMAP connection every 100 ms, 1 s timeout).
 * A benchmark, not a test: it prints numbers and asserts nothing.
 */
import { ChildProcess, spawn } from "node:child_process";
import { killHaproxy, waitFor } from "./haproxy";
import { applyStack, labDown, labUp, teardownOnSignals } from "./lab";
import { outage, timeline } from "./measure";
import { LB_NODES, LabNode } from "./node";
import { awsCalls, failoverEvents, holdsVip } from "./pair";
import { takeReleaseOption, toolVersions } from "./release";
import { inNs, sh } from "./shell";
import { lab2010Pair, synthesize } from "./stacks";
import { HOSTS } from "./topology";

const ROUNDS = Number(process.env.BENCH_FAILOVER_ROUNDS ?? 5);
const WATCH_S = Number(process.env.BENCH_FAILOVER_WATCH_S ?? 600);
const BUSY_LOOPS = 3;
const { lb, lb2 } = LB_NODES;

interface Phases {
  /** Seconds from the failure: old master in FAULT, its VIP released (HAProxy killed only). */
  readonly fault?: number;
  /** The new master's AWS call (its claim began), and its claim's end (VIP up, GARP sent twice). */
  readonly awsCall: number;
  readonly claimed: number;
  readonly withoutService: number;
  readonly failed: number;
}

/** Busy loops on the host, each ended by `timeout` after `seconds` whatever happens here. */
function cpuLoad(seconds: number): ChildProcess[] {
  return Array.from({ length: BUSY_LOOPS }, () =>
    spawn("timeout", [`${seconds}`, "sh", "-c", "while :; do :; done"], { stdio: "ignore" }),
  );
}

function firstAfter(node: LabNode, since: number, states: readonly string[]) {
  return failoverEvents(node).find((e) => e.t >= since && states.includes(e.state));
}

async function round(kind: "haproxy" | "node"): Promise<Phases> {
  await applyStack(synthesize(lab2010Pair));
  const client = timeline("client", 143, { ms: 12_000, everyMs: 100, timeoutMs: 1000 });
  await new Promise((r) => setTimeout(r, 2000));
  if (!holdsVip(lb) || holdsVip(lb2)) {
    await client.done;
    throw new Error(`not lb's alone before the failure: ${JSON.stringify(failoverEvents(lb2))}`);
  }
  const at = Date.now();
  const eventAt = at - client.started;
  if (kind === "haproxy") killHaproxy(lb);
  else {
    const pids = sh(["ip", "netns", "pids", lb.ns]).stdout.split("\n").filter(Boolean);
    sh(["kill", "-KILL", ...pids], { allowFailure: true });
    inNs(lb.ns, ["ip", "link", "set", "eth0", "down"]);
  }
  await waitFor("lb2 to hold the VIP", () => holdsVip(lb2), 15_000);
  const result = outage(await client.done, eventAt);
  const fault = kind === "haproxy" ? firstAfter(lb, at, ["FAULT"]) : undefined;
  const master = firstAfter(lb2, at, ["MASTER"]);
  const call = awsCalls(lb2).find((c) => c.t >= at);
  if (!master || !call) throw new Error("lb2 recorded no MASTER event or AWS call");
  const s = (t: number) => Number(((t - at) / 1000).toFixed(2));
  return {
    fault: fault ? s(fault.t) : undefined,
    awsCall: s(call.t),
    // The event is recorded once handled: its claim's end.
    claimed: s(master.t),
    withoutService: result.secondsWithoutService,
    failed: result.failed,
  };
}

function summary(label: string, rounds: readonly Phases[]): void {
  const med = (pick: (p: Phases) => number | undefined) => {
    const v = rounds
      .map(pick)
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)].toFixed(2) : "-";
  };
  const list = rounds.map((r) => r.withoutService.toFixed(2)).join(", ");
  console.log(
    `${label}: without service ${list} s (median ${med((r) => r.withoutService)}); ` +
      `median from the failure: old master FAULT ${med((r) => r.fault)} s, new master's AWS call ${med((r) => r.awsCall)} s, claim done ${med((r) => r.claimed)} s`,
  );
}

/** The pair left alone: VRRP transitions on either node over `seconds`, which nothing caused. */
async function watch(seconds: number): Promise<string[]> {
  await applyStack(synthesize(lab2010Pair));
  const since = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return [lb, lb2].flatMap((node) =>
    failoverEvents(node)
      .filter((e) => e.t >= since && !["CHECK", "VERIFY"].includes(e.state))
      .map((e) => `${node.name} ${new Date(e.t).toISOString()} ${e.state} ${e.outcome}`),
  );
}

async function main(): Promise<void> {
  takeReleaseOption(process.argv.slice(2));
  const versions = toolVersions();
  teardownOnSignals();
  labUp();
  const results: Record<string, Phases[]> = {};
  let spurious: string[] = [];
  try {
    for (const loaded of [false, true]) {
      const load = loaded ? cpuLoad(ROUNDS * 2 * 40 + 60) : [];
      try {
        for (const kind of ["haproxy", "node"] as const) {
          const key = `${kind}${loaded ? " under CPU load" : ""}`;
          results[key] = [];
          for (let i = 0; i < ROUNDS; i++) results[key].push(await round(kind));
        }
      } finally {
        for (const p of load) p.kill();
      }
    }
    const load = cpuLoad(WATCH_S + 60);
    try {
      spurious = await watch(WATCH_S);
    } finally {
      for (const p of load) p.kill();
    }
  } finally {
    labDown();
  }
  console.log(
    `\nClustered pair failover (${versions.join("; ")}; ${HOSTS.client.ns} probing IMAP)`,
  );
  summary("master's HAProxy killed", results.haproxy);
  summary("master node down", results.node);
  summary(`master's HAProxy killed, ${BUSY_LOOPS} busy loops`, results["haproxy under CPU load"]);
  summary(`master node down, ${BUSY_LOOPS} busy loops`, results["node under CPU load"]);
  console.log(
    `left alone ${WATCH_S} s under ${BUSY_LOOPS} busy loops: ${spurious.length} VRRP transitions${spurious.length ? `\n  ${spurious.join("\n  ")}` : ""}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

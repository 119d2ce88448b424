/**
 * npm run bench:lab — the data plane, in one run: new TLS connections per second through the
 * HTTPS VIP (HAProxy with the synthesized 2013 config) and directly to one real server, and
 * the ratio; the sandbox's ceiling held both ways (9,900 connections: one process may hold
 * 20,000 files here) with the memory per held connection of HAProxy (passing TLS through)
 * and of nginx (terminating it), and of HAProxy terminating TLS (offload); then the clustered
 * pair: seconds without service and failed connections when the master's HAProxy is killed,
 * and failed connections while a new config is rolled out to both nodes under load.
 * A benchmark, not a test: it prints numbers and asserts nothing.
 * `--debian 12` runs it on Debian 12's HAProxy 2.6 instead of 13's 3.0 (EXCHANGE_LB_LAB_DEBIAN).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CasHttpsVip, ExchangeVersion, TlsCertificate } from "../lib";
import { killHaproxy, waitFor } from "./haproxy";
import { applyStack, labDown, labUp, teardownOnSignals } from "./lab";
import { outage, probeInBackground, timeline } from "./measure";
import { ALL_NODES, LB_NODES } from "./node";
import { holdsVip, runConfigDocument } from "./pair";
import { labRelease, takeReleaseOption, toolVersions } from "./release";
import { inNs, sh } from "./shell";
import { lab2010Pair, lab2013, labWith, synthesize } from "./stacks";
import { HOSTS, VIP } from "./topology";

const PROBE = join(__dirname, "tools", "probe.js");
const RATE_MS = Number(process.env.BENCH_LAB_RATE_MS ?? 5000);
const ROUNDS = Number(process.env.BENCH_LAB_ROUNDS ?? 3);
/**
 * The sandbox's ceiling: one process may hold 20,000 files here, so HAProxy, with two a proxied
 * connection, holds about 9,900 (its maxconn a little above, for the listeners).
 */
const HELD = Number(process.env.BENCH_LAB_HELD ?? 9900);
const CEILING_MAXCONN = 9950;
const OFFLOAD_HELD = Number(process.env.BENCH_LAB_OFFLOAD_HELD ?? 2000);
const CAS1 = HOSTS.cas1.addresses[0];

function probe(args: object): Record<string, number> {
  // The client raises its own descriptor limit for the held connections.
  const script = `ulimit -n 20000 && exec ${process.execPath} ${PROBE} '${JSON.stringify(args)}'`;
  return JSON.parse(inNs(HOSTS.client.ns, ["bash", "-c", script], { timeoutMs: 120_000 }).stdout);
}

/** Resident memory of a namespace's processes named `comm`, in KiB. */
function rssKib(ns: string, comm: string): number {
  const pids = sh(["ip", "netns", "pids", ns]).stdout.split("\n").filter(Boolean);
  let total = 0;
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== comm) continue;
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += rss ? Number(rss[1]) : 0;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

interface HeldMemory {
  readonly established: number;
  readonly failed: number;
  /** The processes' resident memory per held connection, KiB. */
  readonly kib: number;
}

/** `count` TLS connections held to `host`; what `comm` in `ns` holds per connection meanwhile. */
async function heldMemory(
  host: string,
  count: number,
  ns: string,
  comm: string,
): Promise<HeldMemory> {
  const holdFile = join(tmpdir(), `exchange-lab-held-${process.pid}`);
  rmSync(holdFile, { force: true });
  const before = rssKib(ns, comm);
  const script = `ulimit -n 20000 && exec ${process.execPath} ${PROBE} '${JSON.stringify({
    mode: "hold-many",
    host,
    port: 443,
    count,
    tls: true,
    batch: 500,
    holdMs: 3000,
    connectTimeoutMs: 20_000,
    holdFile,
    from: HOSTS.client.addresses,
  })}'`;
  const child = spawn("ip", ["netns", "exec", HOSTS.client.ns, "bash", "-c", script]);
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk.toString()));
  const done = new Promise<Record<string, number>>((resolve) =>
    child.on("close", () => resolve(JSON.parse(out))),
  );
  await waitFor("the connections to be held", () => existsSync(holdFile), 120_000);
  await new Promise((r) => setTimeout(r, 1000));
  const during = rssKib(ns, comm);
  const result = await done;
  rmSync(holdFile, { force: true });
  return {
    established: result.established,
    failed: result.failed,
    kib: (during - before) / Math.max(1, result.established),
  };
}

/** The sandbox's ceiling through the VIP (TLS passed through) and to CAS1 directly. */
async function ceiling(): Promise<{ vip: HeldMemory; direct: HeldMemory }> {
  const build = labWith(
    "lab-bench-ceiling",
    ExchangeVersion.EXCHANGE_2013,
    { maxconn: CEILING_MAXCONN },
    (lb) => new CasHttpsVip(lb, "CasHttps"),
  );
  await applyStack(synthesize(build));
  const vip = await heldMemory(VIP, HELD, LB_NODES.lb.ns, "haproxy");
  const direct = await heldMemory(CAS1, HELD, HOSTS.cas1.ns, "nginx");
  return { vip, direct };
}

/** HAProxy terminating TLS (offload): its memory per held connection. */
async function terminatedTls(): Promise<HeldMemory> {
  const build = labWith("lab-bench-offload", ExchangeVersion.EXCHANGE_2013, {}, (lb) => {
    new CasHttpsVip(lb, "CasHttps", {
      tls: "offload",
      certificate: TlsCertificate.fromSsmParameter("/lab/tls/mail"),
    });
  });
  await applyStack(synthesize(build));
  return heldMemory(VIP, OFFLOAD_HELD, LB_NODES.lb.ns, "haproxy");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  takeReleaseOption(process.argv.slice(2));
  const versions = toolVersions();
  teardownOnSignals();
  const lb = synthesize(lab2013());
  labUp();
  try {
    await applyStack(lb);
    const rate = { vip: [] as number[], direct: [] as number[] };
    const failed = { vip: 0, direct: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate so that machine noise hits both sides alike.
      for (const [side, host] of [
        ["vip", VIP],
        ["direct", CAS1],
      ] as const) {
        const r = probe({ mode: "rate", host, port: 443, ms: RATE_MS, parallel: 32, tls: true });
        rate[side].push((r.ok * 1000) / r.ms);
        failed[side] += r.failed;
      }
    }
    const vipRate = median(rate.vip);
    const directRate = median(rate.direct);
    const held = await ceiling();
    const offload = await terminatedTls();
    console.log(`Debian ${labRelease().debian}: ${versions.join("; ")}`);
    console.log(`Exchange lab data plane (HTTPS 443, ${ROUNDS} rounds of ${RATE_MS} ms, medians)`);
    console.log("metric                          via VIP     direct    VIP/direct");
    // A new connection counts once nginx behind it completed a TLS handshake: end to end.
    console.log(
      `new TLS connections per second${vipRate.toFixed(0).padStart(9)} ${directRate.toFixed(0).padStart(11)}    ${(vipRate / directRate).toFixed(3)}`,
    );
    console.log(
      `held at once (of ${HELD}, maxconn ${CEILING_MAXCONN})${String(held.vip.established).padStart(6)} ${String(held.direct.established).padStart(11)}    ${(held.vip.established / held.direct.established).toFixed(3)}`,
    );
    console.log(
      `KiB per held TLS connection   ${held.vip.kib.toFixed(1).padStart(10)} ${held.direct.kib.toFixed(1).padStart(11)}    ${(held.vip.kib / held.direct.kib).toFixed(3)}   (HAProxy passing TLS through; nginx terminating it)`,
    );
    console.log(
      `KiB per held connection, TLS terminated by HAProxy (offload, ${offload.established} held): ${offload.kib.toFixed(1)}`,
    );
    console.log(
      `failed connects: via VIP ${failed.vip + held.vip.failed}, direct ${failed.direct + held.direct.failed}, offload ${offload.failed}`,
    );
    await pair();
  } finally {
    labDown();
  }
}

/** The pair: failover when the master's HAProxy dies, and a config rollout under load. */
async function pair(): Promise<void> {
  const seconds: number[] = [];
  let failedDuringFailover = 0;
  let attempts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await applyStack(synthesize(lab2010Pair));
    const client = timeline("client", 143, { ms: 10_000, everyMs: 100, timeoutMs: 1000 });
    await new Promise((r) => setTimeout(r, 2000));
    const killedAt = Date.now() - client.started;
    killHaproxy(LB_NODES.lb);
    await waitFor("lb2 to hold the VIP", () => holdsVip(LB_NODES.lb2), 10_000);
    const result = outage(await client.done, killedAt);
    seconds.push(result.secondsWithoutService);
    failedDuringFailover += result.failed;
    attempts += result.attempts;
  }
  const weighted = (cas2Weight: number) =>
    lab2013(
      (lb) =>
        new CasHttpsVip(lb, "CasHttps", {
          servers: [
            { name: "CAS1", address: HOSTS.cas1.addresses[0] },
            { name: "CAS2", address: HOSTS.cas2.addresses[0], weight: cas2Weight },
          ],
        }),
      true,
    );
  await applyStack(synthesize(weighted(100)));
  const load = probeInBackground({
    mode: "rate",
    host: VIP,
    port: 443,
    ms: RATE_MS * 2,
    parallel: 8,
    tls: true,
  });
  await new Promise((r) => setTimeout(r, 1000));
  const rollouts: (number | null)[] = [];
  for (const weight of [50, 100]) {
    const document = synthesize(weighted(weight)).configDocument;
    for (const node of ALL_NODES) rollouts.push(runConfigDocument(node, document).status);
  }
  const reload = await load;
  console.log("\nClustered pair (keepalived unicast VRRP, lab)");
  console.log(
    `failover, master HAProxy killed: ${seconds.map((s) => s.toFixed(2)).join(", ")} s without service (median ${median(seconds).toFixed(2)}), ${failedDuringFailover} of ${attempts} new connections failed`,
  );
  console.log(
    `config rollout under load (2 changes x 2 nodes, exit ${rollouts.join(",")}): ${reload.ok} TLS connections, ${reload.failed} failed`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

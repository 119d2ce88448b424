/**
 * npm run bench:lab — the data plane, in one run: new TCP connections per
 * second and concurrent connections held, through the HTTPS VIP (HAProxy with
 * the synthesized 2013 config) and directly to one real server, and the ratios;
 * then the clustered pair: seconds without service and failed connections when
 * the master's HAProxy is killed, and failed connections while a new config is
 * rolled out to both nodes under load.
 * A benchmark, not a test: it prints numbers and asserts nothing.
 * `--debian 12` runs it on Debian 12's HAProxy 2.6 instead of 13's 3.0 (EXCHANGE_LB_LAB_DEBIAN).
 */
import { join } from "node:path";
import { CasHttpsVip } from "../lib";
import { killHaproxy, waitFor } from "./haproxy";
import { applyStack, labDown, labUp, teardownOnSignals } from "./lab";
import { outage, probeInBackground, timeline } from "./measure";
import { ALL_NODES, LB_NODES } from "./node";
import { holdsVip, runConfigDocument } from "./pair";
import { labRelease, takeReleaseOption, toolVersions } from "./release";
import { inNs } from "./shell";
import { LAB_MAXCONN, lab2010Pair, lab2013, synthesize } from "./stacks";
import { HOSTS, VIP } from "./topology";

const PROBE = join(__dirname, "tools", "probe.js");
const RATE_MS = Number(process.env.BENCH_LAB_RATE_MS ?? 5000);
const ROUNDS = Number(process.env.BENCH_LAB_ROUNDS ?? 3);
/** Below the lab's maxconn, and within the 20,000 descriptors one process may hold here. */
const HELD = Number(process.env.BENCH_LAB_HELD ?? 3000);
const CAS1 = HOSTS.cas1.addresses[0];

function probe(args: object): Record<string, number> {
  // The client raises its own descriptor limit for the held connections.
  const script = `ulimit -n 20000 && exec ${process.execPath} ${PROBE} '${JSON.stringify(args)}'`;
  return JSON.parse(inNs(HOSTS.client.ns, ["bash", "-c", script], { timeoutMs: 120_000 }).stdout);
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
    const from = HOSTS.client.addresses;
    const heldVip = probe({
      mode: "hold-many",
      host: VIP,
      port: 443,
      count: HELD,
      holdMs: 2000,
      from,
    });
    const heldDirect = probe({
      mode: "hold-many",
      host: CAS1,
      port: 443,
      count: HELD,
      holdMs: 2000,
      from,
    });
    const vipRate = median(rate.vip);
    const directRate = median(rate.direct);
    console.log(`Debian ${labRelease().debian}: ${versions.join("; ")}`);
    console.log(
      `Exchange lab data plane (HTTPS 443, lab maxconn ${LAB_MAXCONN}, ${ROUNDS} rounds of ${RATE_MS} ms, medians)`,
    );
    console.log("metric                          via VIP     direct    VIP/direct");
    // A new connection counts once nginx behind it completed a TLS handshake: end to end.
    console.log(
      `new TLS connections per second${vipRate.toFixed(0).padStart(9)} ${directRate.toFixed(0).padStart(11)}    ${(vipRate / directRate).toFixed(3)}`,
    );
    console.log(
      `concurrent held (of ${HELD})     ${String(heldVip.stillOpen).padStart(11)} ${String(heldDirect.stillOpen).padStart(11)}    ${(heldVip.stillOpen / heldDirect.stillOpen).toFixed(3)}`,
    );
    console.log(
      `failed connects: via VIP ${failed.vip + heldVip.failed}, direct ${failed.direct + heldDirect.failed}`,
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

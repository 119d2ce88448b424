/**
 * Scenario 19: a fleet's node side, behind a stand-in for its Network Load Balancer
 * (lab/nlb-stand-in.ts), which the lab cannot have. Two nodes boot from the one launch
 * template's user-data, each fetched from its own IMDS; the stand-in runs each target group's
 * synthesized health check against the nodes' endpoint and hashes new connections over the
 * healthy nodes, client addresses kept. A VIP's real servers lost on one node take that node out
 * of that VIP's target groups only; a node's HAProxy stopped is found within interval x
 * threshold, and no new connection fails after; a config rolled out one node at a time, as the
 * association does (max_concurrency 1), under load fails none. Each node's connections to the
 * real servers leave from its primary address and the one EC2 assigned it at launch.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { RealServer } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { NodeBoot, assignedAtLaunch, startFleet, stopFleet } from "../fleet";
import { loadHaproxy, serverStats, stopHaproxy, waitFor } from "../haproxy";
import { haproxyLog } from "../haproxy-log";
import * as nlb from "../nlb-stand-in";
import { LB_NODES, LabNode, nodePath } from "../node";
import { probeInBackground } from "../measure";
import { awsCalls, runConfigDocument } from "../pair";
import { inNs } from "../shell";
import {
  SynthesizedLoadBalancer,
  decodeUserData,
  labFleet,
  stagedFile,
  synthesize,
  userDataFiles,
} from "../stacks";
import { HOSTS } from "../topology";
import {
  CLIENTS,
  NODES,
  changedAfter,
  clientsLogged,
  failed,
  flag,
  fleetTest,
  imap,
  installedConfig,
  listenersOf,
  load,
  perNode,
  web,
} from "./fleet-support";
import { report, sleep, tally } from "./support";

const { lb, lb2 } = LB_NODES;
const CAS1: RealServer = { name: "CAS1", address: HOSTS.cas1.addresses[0] };
const CAS2: RealServer = { name: "CAS2", address: HOSTS.cas2.addresses[0] };
/** lb's path to both IMAP servers refused: its checks of CasImap fail, CasHttps's do not. */
const CUT_IMAP = [
  ...["-p", "tcp", "-d", `${CAS1.address},${CAS2.address}`, "-m", "multiport"],
  ...["--dports", "143,993", "-j", "REJECT", "--reject-with", "tcp-reset"],
];
let stack: SynthesizedLoadBalancer;
let boots: NodeBoot[];

beforeAll(async () => {
  stack = synthesize(labFleet());
  boots = await startFleet(stack);
  const healthy = await waitFor(
    "the stand-in to find both nodes healthy",
    () => NODES.every((n) => nlb.standInSays(n, "healthy")),
    20_000,
  );
  report("fleet: both nodes healthy at the stand-in after (ms)", healthy);
}, 120_000);

afterAll(async () => {
  inNs(lb.ns, ["iptables", "-D", "OUTPUT", ...CUT_IMAP], { allowFailure: true });
  await stopFleet(NODES);
});

fleetTest(
  "a: both nodes boot from the one user-data; connections through the VIP land on both, the client's address kept",
  async () => {
    const template = Buffer.from(stack.nodes[0].userDataBase64, "base64");
    const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
    const files = userDataFiles(decodeUserData(stack.nodes[0].userDataBase64));
    const expected = Object.keys(boots[0].files).map((p) => [p, sha256(files[p].content)]);
    expect(boots.map((b) => b.userDataSha256)).toEqual([sha256(template), sha256(template)]);
    for (const boot of boots) expect(boot.files).toEqual(Object.fromEntries(expected));
    expect(Object.keys(boots[0].files)).toContain(PATHS.HAPROXY_CONFIG);
    // The user-data's copy says "wait" on every path until the config document reached the node.
    const paths = Object.keys(boots[0].beforeDocument);
    const each = (code: number) => Object.fromEntries(paths.map((p) => [p, code]));
    for (const boot of boots)
      expect([boot.beforeDocument, boot.afterDocument]).toEqual([each(503), each(200)]);
    const running = stagedFile(stack.configDocument, "haproxy.cfg");
    for (const node of NODES) expect(installedConfig(node)).toBe(running);
    // The document applied, each node completed its launch once (the group's lifecycle hook).
    for (const node of NODES) {
      const launches = awsCalls(node).filter((c) => c.args.startsWith("autoscaling "));
      expect(launches.map((c) => c.args)).toEqual([
        expect.stringMatching(
          /^autoscaling complete-lifecycle-action --region \S+ --auto-scaling-group-name exchange-lb-\S+ --lifecycle-hook-name exchange-lb-config-applied --instance-id i-\S+ --lifecycle-action-result CONTINUE$/,
        ),
      ]);
    }

    const logged = NODES.map((n) => haproxyLog(n).length);
    const https = await perNode("CasHttps", 443, () => web(40));
    const mail = await perNode("CasImap", 143, () => imap(20));
    const seen = await Promise.all(
      NODES.map((n, i) => clientsLogged(n, logged[i], https.counts[n.name])),
    );
    report("fleet: one user-data", {
      encoding: template[0] === 0x1f && template[1] === 0x8b ? "gzip" : "plain",
      bytes: template.length,
      sha256: boots[0].userDataSha256.slice(0, 16),
      filesWritten: expected.length,
      health: boots.map((b) => ({ before: b.beforeDocument, after: b.afterDocument })),
    });
    const servers = tally([...https.result, ...mail.result]);
    report("fleet: 40 HTTPS + 20 IMAP connections, per node", {
      https: { nodes: https.counts, sentByStandIn: https.sent },
      imap: { nodes: mail.counts, sentByStandIn: mail.sent },
      servers,
      clientAddressesLogged: seen,
    });
    expect(Object.keys(servers).sort()).toEqual(["CAS1", "CAS2"]);
    expect(https.counts.lb + https.counts.lb2).toBe(40);
    expect(Math.min(https.counts.lb, https.counts.lb2)).toBeGreaterThan(0);
    expect(https.sent).toEqual(https.counts);
    expect(mail.sent).toEqual(mail.counts);
    expect(mail.counts.lb + mail.counts.lb2).toBe(20);
    for (const addresses of seen) {
      expect(addresses.length).toBeGreaterThan(0);
      for (const address of addresses) expect(CLIENTS).toContain(address);
    }
  },
);

fleetTest(
  "b: a VIP's real servers lost on lb: its path answers 503 and the stand-in takes lb out of that VIP's target groups only",
  async () => {
    const [mail, https] = [listenersOf(stack, "CasImap"), listenersOf(stack, "CasHttps")];
    expect(nlb.askHealth(lb, mail.check.port, mail.check.path)).toBe(200);
    inNs(lb.ns, ["iptables", "-I", "OUTPUT", "1", ...CUT_IMAP]);
    const cutAt = Date.now();
    const imapDown = async () =>
      (await serverStats(lb))
        .filter((s) => s.backend === "CasImap")
        .every((s) => s.status.startsWith("DOWN"));
    await waitFor("lb's IMAP servers down", imapDown, 10_000);
    const answers = {
      lbImap: nlb.askHealth(lb, mail.check.port, mail.check.path),
      lbWeb: nlb.askHealth(lb, https.check.port, https.check.path),
      lb2Imap: nlb.askHealth(lb2, mail.check.port, mail.check.path),
      lbOther: nlb.askHealth(lb, mail.check.port, "/vip/NoSuchVip"),
    };
    expect(answers).toEqual({ lbImap: 503, lbWeb: 200, lb2Imap: 200, lbOther: 404 });
    const unhealthy = () => nlb.standInSays(lb, "unhealthy", mail.ports);
    await waitFor("the stand-in to take lb out of IMAP's target groups", unhealthy, 20_000);
    expect(nlb.standInSays(lb, "healthy", https.ports)).toBe(true);
    expect(nlb.standInSays(lb2, "healthy")).toBe(true);

    const imapOnly = await perNode("CasImap", 143, () => imap(20));
    const webToo = await perNode("CasHttps", 443, () => web(40));
    inNs(lb.ns, ["iptables", "-D", "OUTPUT", ...CUT_IMAP]);
    const restoredAt = Date.now();
    const healthy = () => nlb.standInSays(lb, "healthy", mail.ports);
    await waitFor("the stand-in to put lb back in IMAP's target groups", healthy, 25_000);
    const webChanges = nlb
      .standInEvents()
      .filter((e) => e.t >= cutAt && https.ports.includes(e.port));
    report("fleet: IMAP lost on lb", {
      health: answers,
      outOfImapAfterS: changedAfter(cutAt, lb, "unhealthy", mail.ports),
      imap: { ...imapOnly, result: tally(imapOnly.result) },
      web: { ...webToo, result: tally(webToo.result) },
      backInAfterS: changedAfter(restoredAt, lb, "healthy", mail.ports),
    });
    expect(imapOnly.counts).toEqual({ lb: 0, lb2: 20 });
    expect(imapOnly.sent).toEqual({ lb: 0, lb2: 20 });
    expect(Math.min(webToo.counts.lb, webToo.counts.lb2)).toBeGreaterThan(0);
    expect(failed([...imapOnly.result, ...webToo.result])).toBe(0);
    expect(webChanges).toEqual([]);
  },
);

fleetTest(
  "c: lb's HAProxy stopped: the stand-in finds it within interval x threshold; after that no new connection fails, all on lb2; started again, it comes back",
  async () => {
    const { intervalSeconds, unhealthyThreshold, healthyThreshold } = listenersOf(
      stack,
      "CasHttps",
    ).check;
    const detected = flag("detected");
    const window = load(25_000, 100, detected);
    await sleep(500);
    const stoppedAt = Date.now();
    stopHaproxy(lb);
    await waitFor(
      "the stand-in to find lb unhealthy",
      () => nlb.standInSays(lb, "unhealthy"),
      20_000,
    );
    writeFileSync(detected, "");
    const detections = changedAfter(stoppedAt, lb, "unhealthy");
    const beforeDetection = await window.done;

    const after = await perNode("CasHttps", 443, () => load(4000, 20).done);
    const restartAt = Date.now();
    // As `systemctl start haproxy`: the config the node has, the document's.
    await loadHaproxy(installedConfig(lb), "restart", lb);
    await waitFor("lb back at the stand-in", () => nlb.standInSays(lb, "healthy"), 20_000);
    const backInS = Math.max(...changedAfter(restartAt, lb, "healthy"));
    const detectedS = Math.max(...detections);
    report("fleet: lb's HAProxy stopped", {
      detectedS,
      perListenerS: detections,
      beforeDetection: { attempts: beforeDetection.length, failed: failed(beforeDetection) },
      afterDetection: { attempts: after.result.length, failed: failed(after.result) },
      perNode: after.counts,
      sentByStandIn: after.sent,
      backInS,
    });
    expect(detections.length).toBe(stack.fleet!.listeners.length);
    // At least threshold - 1 intervals (the first failed check may come at once), at most 20 s.
    expect(detectedS).toBeGreaterThanOrEqual((unhealthyThreshold - 1) * intervalSeconds - 0.5);
    expect(detectedS).toBeLessThanOrEqual(20);
    expect(after.result.length).toBe(200);
    expect(failed(after.result)).toBe(0);
    expect(after.counts.lb2).toBe(200);
    expect(after.sent).toEqual({ lb: 0, lb2: 200 });
    expect(backInS).toBeLessThanOrEqual(healthyThreshold * intervalSeconds + 10);
  },
);

/** The association's run: one node at a time (max_concurrency 1), stopping at a failure. */
async function rollOut(document: string, serving: (node: LabNode) => Promise<boolean>) {
  const outcomes: (number | null)[] = [];
  for (const node of NODES) {
    const outcome = runConfigDocument(node, document);
    outcomes.push(outcome.status);
    if (outcome.status !== 0) break;
    await waitFor(`${node.ns} to serve the new config`, () => serving(node), 15_000);
    await sleep(1000);
  }
  return outcomes;
}

fleetTest(
  "d: a changed config rolled out one node at a time under load: 0 failed connections; both nodes end on it",
  async () => {
    const changed = synthesize(labFleet([CAS1, { ...CAS2, weight: 50 }]));
    const config = stagedFile(changed.configDocument, "haproxy.cfg");
    expect(config).not.toBe(stagedFile(stack.configDocument, "haproxy.cfg"));
    const eventsBefore = nlb.standInEvents().length;
    const rolledOut = flag("rolled-out");
    const run = await perNode("CasHttps", 443, async () => {
      const running = load(20_000, 25, rolledOut);
      await sleep(1500);
      const outcomes = await rollOut(changed.configDocument, async (node) =>
        (await serverStats(node))
          .filter((s) => s.server === "CAS2")
          .every((s) => s.weight === 50 && s.status === "UP"),
      );
      writeFileSync(rolledOut, "");
      return { outcomes, attempts: await running.done };
    });
    const configs = NODES.map(installedConfig);
    const { outcomes, attempts } = run.result;
    report("fleet: rollout under load", {
      attempts: attempts.length,
      failed: failed(attempts),
      sentByStandIn: run.sent,
      nodes: outcomes,
      standInChanges: nlb.standInEvents().length - eventsBefore,
    });
    expect(outcomes).toEqual([0, 0]);
    expect(failed(attempts)).toBe(0);
    expect(attempts.length).toBeGreaterThan(100);
    expect(Math.min(run.sent.lb, run.sent.lb2)).toBeGreaterThan(0);
    expect(nlb.standInEvents().length).toBe(eventsBefore);
    expect(configs).toEqual([config, config]);
  },
);

/** Established connections at `host` to `port`, per peer address: where the nodes leave from. */
function peersAt(host: "cas1" | "cas2", port: number): Record<string, number> {
  const out = inNs(HOSTS[host].ns, ["ss", "-tnH", "state", "established", `( sport = :${port} )`]);
  const counts: Record<string, number> = {};
  for (const line of out.stdout.trim().split("\n").filter(Boolean)) {
    const peer = line.trim().split(/\s+/).at(-1)!.replace(/:\d+$/, "");
    counts[peer] = (counts[peer] ?? 0) + 1;
  }
  return counts;
}

fleetTest(
  "e: each node learns the source address EC2 assigned it at launch (the template's count) from its IMDS, and its connections to the real servers leave from both its addresses",
  async () => {
    expect(stack.fleet!.sourceAddressCount).toBe(1);
    const assigned = NODES.map((node) => assignedAtLaunch(node, 1)[0]);
    const environments = NODES.map((n) =>
      readFileSync(nodePath(n, PATHS.HAPROXY_ENVIRONMENT), "utf8"),
    );
    expect(environments).toEqual(
      NODES.map((n, i) => `EXCHANGE_LB_SOURCE=${n.address}\nEXCHANGE_LB_SOURCE_2=${assigned[i]}\n`),
    );
    const count = 24;
    const running = probeInBackground({
      mode: "hold-many",
      host: stack.fleet!.vipAddress,
      port: 143,
      count,
      holdMs: 4000,
      greeting: true,
      connectTimeoutMs: 10_000,
      from: CLIENTS,
    });
    const imapSessions = async () =>
      (await Promise.all(NODES.map((n) => serverStats(n))))
        .flat()
        .filter((s) => s.backend === "CasImap")
        .reduce((n, s) => n + s.currentSessions, 0);
    await waitFor(
      `${count} IMAP sessions held on the nodes`,
      async () => (await imapSessions()) === count,
      10_000,
    );
    const peers = { CAS1: peersAt("cas1", 143), CAS2: peersAt("cas2", 143) };
    const held = await running;
    report("fleet: source addresses EC2 assigned, per real server", { assigned, held, peers });
    expect(held.failed).toBe(0);
    const seen = new Set(Object.values(peers).flatMap((p) => Object.keys(p)));
    expect([...seen].sort()).toEqual([...NODES.map((n) => n.address), ...assigned].sort());
  },
);

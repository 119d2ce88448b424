/**
 * Changes reach the running HAProxy out of band, as on the instances: the
 * synthesized SSM config document is run on the node exactly as State Manager
 * would (`haproxy -c`, install, seamless reload through expose-fd listeners),
 * while clients keep opening connections: none fails. A config that fails
 * `haproxy -c` is refused, reported, and the running one keeps serving. On a
 * pair the document runs on one node at a time, like the association.
 */
import { CasHttpsVip, ExchangeLoadBalancer, RealServer } from "../../lib";
import { renderConfigDocument } from "../../lib/delivery/config-document";
import { applyFirewall } from "../firewall";
import { serverStats, waitFor } from "../haproxy";
import { ALL_NODES, LB_NODES } from "../node";
import { probeInBackground } from "../measure";
import { runConfigDocument, vipInterfaces } from "../pair";
import { StackBuilder, lab2013, synthesize, SynthesizedLoadBalancer } from "../stacks";
import { HOSTS, VIP } from "../topology";
import { connect, pairTest, report, runStack, sleep, tally } from "./support";

const CAS1: RealServer = { name: "CAS1", address: HOSTS.cas1.addresses[0] };
const CAS2: RealServer = { name: "CAS2", address: HOSTS.cas2.addresses[0] };

function web(servers: RealServer[]): StackBuilder {
  return lab2013((lb: ExchangeLoadBalancer) => new CasHttpsVip(lb, "CasHttps", { servers }));
}

/** New TLS connections through the VIP for `ms`, 8 at a time; counts what succeeded and failed. */
function load(ms: number): Promise<Record<string, number>> {
  return probeInBackground({ mode: "rate", host: VIP, port: 443, ms, parallel: 8, tls: true });
}

/** What `cdktf deploy` does for a config change: new security-group rules, then the association. */
async function deploy(lb: SynthesizedLoadBalancer, nodes = [LB_NODES.lb]) {
  const outcomes = [];
  for (const node of nodes) {
    applyFirewall(
      lb.ingress,
      lb.egress,
      node,
      lb.nodes.length === 2 ? pairPeer(lb, node) : undefined,
    );
  }
  // max_concurrency 1, max_errors 0: one node at a time, stop at the first refusal.
  for (const node of nodes) {
    const outcome = runConfigDocument(node, lb.configDocument);
    outcomes.push(outcome);
    if (outcome.status !== 0) break;
    await waitFor(
      `${node.ns} to serve the new config`,
      async () => (await serverStats(node)).every((s) => s.status === "UP"),
      15_000,
    );
  }
  return outcomes;
}

function pairPeer(lb: SynthesizedLoadBalancer, node: (typeof ALL_NODES)[number]) {
  const peer = ALL_NODES.find((n) => n !== node)!;
  return { address: peer.address, rules: lb.pairRules };
}

function weights(rows: Awaited<ReturnType<typeof serverStats>>) {
  return rows.filter((s) => s.backend === "CasHttps").map((s) => [s.server, s.weight]);
}

test("a server added and a weight changed under load: zero failed connections; a broken config is refused", async () => {
  await runStack(web([CAS1]));
  const running = load(9000);
  await sleep(1500);
  const added = await deploy(synthesize(web([CAS1, CAS2])));
  await sleep(1500);
  const weighted = await deploy(synthesize(web([CAS1, { ...CAS2, weight: 50 }])));
  await sleep(1500);
  // A config that cannot pass the library's validation, delivered the same way.
  const good = synthesize(web([CAS1, { ...CAS2, weight: 50 }]));
  const brokenDocument = renderConfigDocument(
    {
      haproxyConfig: good.haproxyConfig.replace("balance roundrobin", "balance sometimes"),
      vipList: `${VIP}\n`,
      certificateList: "",
      reservedPorts: "",
      bridgeServers: "",
      sourceAddresses: "",
      monitoringSettings: "",
      installProgram: "",
      metricsProgram: "",
      metricsService: "",
      logsProgram: "",
      logsService: "",
      serverStateProgram: "",
    },
    "broken",
  );
  const refused = runConfigDocument(LB_NODES.lb, brokenDocument);
  const { ok, failed } = await running;

  report("reload under load", {
    ok,
    failed,
    added: added.map((o) => o.status),
    weighted: weighted.map((o) => o.status),
    refused: refused.status,
  });
  expect(added.map((o) => o.status)).toEqual([0]);
  expect(weighted.map((o) => o.status)).toEqual([0]);
  // Applied whole: the VIP addresses too (exchange-vip-addresses, as at boot), nothing failed.
  for (const outcome of [...added, ...weighted]) expect(outcome.output).not.toMatch(/failed/);
  expect(ok).toBeGreaterThan(100);
  expect(failed).toBe(0);
  expect(refused.status).toBe(1);
  expect(refused.output).toContain("refused");
  expect(refused.output).toMatch(/\[ALERT\].*balance/);
  // Each apply put the VIP where the boot does, on the default route's interface, and nowhere else.
  expect(vipInterfaces(LB_NODES.lb)).toEqual(["eth0"]);
  // The refused config changed nothing: the last good one serves, CAS2 at weight 50.
  expect(weights(await serverStats())).toEqual([
    ["CAS1", 100],
    ["CAS2", 50],
  ]);
  expect(tally(connect("client", 443, 30, { tls: true, http: "/owa/" }))).toEqual({
    CAS1: 20,
    CAS2: 10,
  });
});

pairTest(
  "a pair takes a new config one node at a time under load: zero failed connections",
  async () => {
    await runStack(lab2013PairWeb([CAS1, CAS2]));
    const running = load(8000);
    await sleep(1500);
    const outcomes = await deploy(synthesize(lab2013PairWeb([CAS1, { ...CAS2, weight: 50 }])), [
      ...ALL_NODES,
    ]);
    const { ok, failed } = await running;
    report("pair rollout under load", { ok, failed, nodes: outcomes.map((o) => o.status) });
    expect(outcomes.map((o) => o.status)).toEqual([0, 0]);
    for (const outcome of outcomes) expect(outcome.output).not.toMatch(/failed/);
    expect(failed).toBe(0);
    for (const node of ALL_NODES) {
      expect(weights(await serverStats(node))).toEqual([
        ["CAS1", 100],
        ["CAS2", 50],
      ]);
    }
  },
);

function lab2013PairWeb(servers: RealServer[]): StackBuilder {
  return lab2013((lb: ExchangeLoadBalancer) => new CasHttpsVip(lb, "CasHttps", { servers }), true);
}

/**
 * The clustered pair under failure, with real keepalived (unicast VRRP) and
 * the synthesized failover script moving the VIP between namespaces:
 * the master's HAProxy killed, then its whole namespace down. Clients open new
 * connections all along; source-IP persistence survives through `peers`.
 */
import { killHaproxy, loadHaproxy, stickTable, waitAllUp, waitFor } from "../haproxy";
import { LB_NODES } from "../node";
import { awsCalls, failoverEvents, holdsVip, startKeepalived, vrrpState } from "../pair";
import { inNs, sh } from "../shell";
import { lab2010Pair, synthesize } from "../stacks";
import { HOSTS, linkUp } from "../topology";
import { connect, outage, pairTest, report, runStack, sleep, timeline } from "./support";

const { lb, lb2 } = LB_NODES;
/** An even number of clients: asked in reverse order, a fresh table would map each elsewhere. */
const CLIENTS = HOSTS.client.addresses.slice(0, 4);
/**
 * Failover within these: a dead HAProxy fails the check within 1 s (fall 1) and the peer takes
 * over after its skew (12 ms at priority 253); a silent node, after VRRP's master-down 3 x 1 s +
 * skew. Measured about 1 s and 3 s (npm run bench:failover); the rest is room for a busy machine.
 */
const HAPROXY_FAILOVER_BOUND_S = 2.5;
const NODE_FAILOVER_BOUND_S = 4.5;

function serversByClient(order: readonly string[]): Record<string, string> {
  const results = connect("client", 443, order.length, {
    from: order,
    tls: true,
    http: "/owa/",
  });
  return Object.fromEntries(results.map((r) => [r.from!, r.server ?? `error:${r.error}`]));
}

beforeEach(async () => {
  await runStack(lab2010Pair);
});

pairTest(
  "the pair comes up: lb master with the VIP, lb2 backup; the master claimed it through the AWS CLI",
  () => {
    expect([vrrpState(lb), vrrpState(lb2)]).toEqual(["MASTER", "BACKUP"]);
    expect([holdsVip(lb), holdsVip(lb2)]).toEqual([true, false]);
    expect(awsCalls(lb).map((c) => c.args)).toEqual([
      "ec2 assign-private-ip-addresses --region eu-west-2 --network-interface-id eni-lab-lb --allow-reassignment --private-ip-addresses 192.168.30.10",
    ]);
    expect(awsCalls(lb2)).toEqual([]);
  },
);

pairTest(
  "master's HAProxy killed: lb2 takes the VIP; persistence holds; measured outage",
  async () => {
    const before = serversByClient(CLIENTS);
    expect(new Set(Object.values(before))).toEqual(new Set(["CAS1", "CAS2"]));
    // The backup already holds every entry, pushed by the master over the peers protocol.
    await waitFor(
      "lb2's stick table to match lb's",
      async () =>
        JSON.stringify(await stickTable("CasWeb", lb2)) ===
        JSON.stringify(await stickTable("CasWeb", lb)),
      5_000,
    );
    expect(Object.keys(await stickTable("CasWeb", lb2)).sort()).toEqual([...CLIENTS].sort());

    const client = timeline("client", 143, { ms: 12_000, everyMs: 100, timeoutMs: 1000 });
    await sleep(2000);
    const killedAt = Date.now() - client.started;
    killHaproxy(lb);
    await waitFor("lb2 to hold the VIP", () => holdsVip(lb2), HAPROXY_FAILOVER_BOUND_S * 1000);
    const result = outage(await client.done, killedAt);
    report("failover: master HAProxy killed", result);

    expect([vrrpState(lb), vrrpState(lb2)]).toEqual(["FAULT", "MASTER"]);
    // The failed node's script records FAULT, then drops the address: give it that moment.
    await waitFor("lb to drop the VIP", () => !holdsVip(lb), 5_000);
    expect(result.secondsWithoutService).toBeLessThan(HAPROXY_FAILOVER_BOUND_S);
    expect(awsCalls(lb2).map((c) => c.args)).toEqual([
      "ec2 assign-private-ip-addresses --region eu-west-2 --network-interface-id eni-lab-lb2 --allow-reassignment --private-ip-addresses 192.168.30.10",
    ]);
    // Reverse order: round robin from an empty table would send every client to the other server.
    const after = serversByClient([...CLIENTS].reverse());
    report("persistence across failover", { before, after });
    expect(after).toEqual(before);
  },
);

pairTest(
  "master's whole namespace down: lb2 takes over; lb returns as backup without taking the VIP back",
  async () => {
    const client = timeline("client", 143, { ms: 12_000, everyMs: 100, timeoutMs: 1000 });
    await sleep(2000);
    const downAt = Date.now() - client.started;
    // Power off: every process of the namespace killed at once, the link down.
    const pids = sh(["ip", "netns", "pids", lb.ns]).stdout.split("\n").filter(Boolean);
    sh(["kill", "-KILL", ...pids], { allowFailure: true });
    inNs(lb.ns, ["ip", "link", "set", "eth0", "down"]);
    await waitFor("lb2 to hold the VIP", () => holdsVip(lb2), NODE_FAILOVER_BOUND_S * 1000);
    const result = outage(await client.done, downAt);
    report("failover: master namespace down", result);
    expect(vrrpState(lb2)).toBe("MASTER");
    expect(result.secondsWithoutService).toBeLessThan(NODE_FAILOVER_BOUND_S);

    // Power on: the node boots, HAProxy and keepalived start; nopreempt keeps the VIP where it is.
    // A rebooted instance has only its primary address.
    inNs(lb.ns, ["ip", "address", "del", "192.168.30.10/32", "dev", "eth0"], {
      allowFailure: true,
    });
    const eventsBefore = failoverEvents(lb).length;
    const back = timeline("client", 143, { ms: 8000, everyMs: 100, timeoutMs: 1000 });
    linkUp(HOSTS.lb);
    await loadHaproxy(synthesize(lab2010Pair).haproxyConfig, "restart", lb);
    startKeepalived(lb);
    await waitFor("lb to rejoin as BACKUP", () => vrrpState(lb) === "BACKUP", 10_000);
    await waitAllUp(15_000, lb);
    const rejoin = outage(await back.done, 0);
    report("master returns", { ...rejoin, holder: holdsVip(lb2) ? "lb2" : "lb" });
    expect(rejoin.failed).toBe(0);
    expect([holdsVip(lb), holdsVip(lb2)]).toEqual([false, true]);
    expect(
      failoverEvents(lb)
        .slice(eventsBefore)
        .map((e) => e.state),
    ).toEqual(["PRESTART", "BACKUP"]);
  },
);

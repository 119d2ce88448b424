/**
 * The known failure modes of a keepalived pair on AWS, reproduced with real
 * keepalived: both nodes master during a split, the proper master taking the
 * VIP back when the split heals (it does not re-run notify_master: the FIFO's
 * MASTER_RX_LOWER_PRI does it), and the unicast source address missing when
 * keepalived starts (keepalived 2.2.7, Debian 12's, then stays in FAULT for good;
 * 2.3.3, Debian 13's, binds it anyway with IP_FREEBIND and recovers when it comes:
 * https://keepalived.org/release-notes/Release-2.3.3.html).
 */
import { PATHS } from "../../lib/instance/paths";
import { STARTUP_DELAY_SECONDS } from "../../lib/pair/keepalived-config";
import { waitFor } from "../haproxy";
import { rmSync } from "node:fs";
import { LB_NODES, LabNode, nodePath } from "../node";
import {
  awsCalls,
  failoverEvents,
  holdsVip,
  startKeepalived,
  stopKeepalived,
  vrrpState,
} from "../pair";
import { labRelease } from "../release";
import { inNs } from "../shell";
import { lab2010Pair } from "../stacks";
import { HOSTS, SUBNET_PREFIX, VIP } from "../topology";
import { connect, pairTest, report, runStack, sleep, tally } from "./support";

const { lb, lb2 } = LB_NODES;
/** keepalived's vrrp_startup_delay, from the synthesized keepalived.conf. */
const STARTUP_MS = STARTUP_DELAY_SECONDS * 1000;
/**
 * What keepalived alone does without its unicast source: 2.2 cannot bind it and stays in
 * FAULT; 2.3.3 sets IP_FREEBIND ("allows creating and configuring unicast sockets before
 * the configured source address is added", Release-2.3.3 notes) and runs as BACKUP.
 */
const WITHOUT_SOURCE = labRelease().keepalived === "2.2" ? "FAULT" : "BACKUP";

function blockVrrp(node: LabNode, block: boolean): void {
  const rule = ["-p", "112", "-j", "DROP"];
  inNs(node.ns, ["iptables", ...(block ? ["-I", "INPUT", "1"] : ["-D", "INPUT"]), ...rule]);
}

function mac(node: LabNode): string {
  return inNs(node.ns, ["cat", "/sys/class/net/eth0/address"]).stdout.trim();
}

/** The MAC address the client would send VIP traffic to now. */
function clientNextHop(): string {
  const out = inNs(HOSTS.client.ns, ["ip", "neigh", "show", VIP]).stdout;
  return /lladdr (\S+)/.exec(out)?.[1] ?? "none";
}

beforeEach(async () => {
  await runStack(lab2010Pair);
});

pairTest(
  "split: both nodes master and both claim; healed: the proper master takes the VIP back",
  async () => {
    // The client has talked to the VIP, so its ARP cache holds lb's address, as in production.
    expect(tally(connect("client", 143, 2))).toEqual({ CAS1: 1, CAS2: 1 });
    expect(clientNextHop()).toBe(mac(lb));
    const splitAt = Date.now();
    blockVrrp(lb, true);
    blockVrrp(lb2, true);
    await waitFor("both nodes MASTER", () => vrrpState(lb2) === "MASTER" && holdsVip(lb2), 10_000);
    expect(vrrpState(lb)).toBe("MASTER");
    // lb2's claim reached AWS (last writer wins there) and the client's ARP cache.
    expect(awsCalls(lb2).filter((c) => c.t >= splitAt)).toHaveLength(1);
    await waitFor(
      "the client to follow lb2's announcement",
      () => clientNextHop() === mac(lb2),
      5_000,
    );

    const healAt = Date.now();
    blockVrrp(lb, false);
    blockVrrp(lb2, false);
    await waitFor("lb2 to yield", () => vrrpState(lb2) === "BACKUP" && !holdsVip(lb2), 10_000);
    await waitFor(
      "lb to claim again",
      () => failoverEvents(lb).some((e) => e.t >= healAt && e.state === "MASTER_RX_LOWER_PRI"),
      10_000,
    );
    await waitFor("the client to follow lb", () => clientNextHop() === mac(lb), 5_000);
    const lastClaim = (node: LabNode) => Math.max(...awsCalls(node).map((c) => c.t));
    report("split healed", {
      lbReclaimedAfterHealMs: Math.round(lastClaim(lb) - healAt),
      lb2LastClaimBeforeHeal: lastClaim(lb2) < healAt,
    });
    // In AWS the last assignment wins: lb's must come after lb2's.
    expect(lastClaim(lb)).toBeGreaterThan(lastClaim(lb2));
    expect([vrrpState(lb), vrrpState(lb2)]).toEqual(["MASTER", "BACKUP"]);
    expect([holdsVip(lb), holdsVip(lb2)]).toEqual([true, false]);
    expect(tally(connect("client", 143, 10))).toEqual({ CAS1: 5, CAS2: 5 });
  },
);

function setNonlocalBind(node: LabNode, on: boolean): void {
  inNs(node.ns, ["sysctl", "-q", "-w", `net.ipv4.ip_nonlocal_bind=${on ? 1 : 0}`]);
}

/**
 * Restarts lb2's keepalived with its address gone, brings the address back
 * after `delayMs`; returns the VRRP state just before the address came back.
 */
async function restartWithoutAddress(options: {
  prestart: boolean;
  delayMs: number;
}): Promise<string | undefined> {
  const address = `${lb2.address}/${SUBNET_PREFIX}`;
  await stopKeepalived(lb2);
  rmSync(nodePath(lb2, PATHS.FAILOVER_STATE), { force: true });
  inNs(lb2.ns, ["ip", "address", "del", address, "dev", "eth0"]);
  startKeepalived(lb2, { prestart: options.prestart });
  await sleep(options.delayMs);
  const state = vrrpState(lb2);
  inNs(lb2.ns, ["ip", "address", "add", address, "dev", "eth0"]);
  return state;
}

pairTest(
  `unicast source missing at start: keepalived ${labRelease().keepalived} alone is ${WITHOUT_SOURCE} after it comes; the instance's settings make it BACKUP`,
  async () => {
    // Neither defence: no ip_nonlocal_bind, no prestart wait. keepalived 2.2 cannot bind the
    // unicast source, enters FAULT and stays there after the address arrives (2.3: BACKUP).
    // The address comes after the startup delay, when the VRRP instance already runs.
    setNonlocalBind(lb2, false);
    expect(await restartWithoutAddress({ prestart: false, delayMs: STARTUP_MS + 2000 })).toBe(
      WITHOUT_SOURCE,
    );
    await sleep(5000);
    const withoutEither = vrrpState(lb2);
    expect(withoutEither).toBe(WITHOUT_SOURCE);

    // The unit's prestart: keepalived starts only once the address exists.
    // Still waiting: no state yet.
    expect(await restartWithoutAddress({ prestart: true, delayMs: 2000 })).toBeUndefined();
    await waitFor("lb2 to become BACKUP", () => vrrpState(lb2) === "BACKUP", 10_000);
    const waited = failoverEvents(lb2)
      .filter((e) => e.state === "PRESTART")
      .at(-1)?.outcome;
    expect(waited).toMatch(/^waited-[2-9]$/);

    // The instance's sysctl alone (ip_nonlocal_bind=1, set for HAProxy's VIP binds) also lets
    // keepalived bind the source before it exists.
    setNonlocalBind(lb2, true);
    await restartWithoutAddress({ prestart: false, delayMs: STARTUP_MS + 2000 });
    await waitFor("lb2 to become BACKUP", () => vrrpState(lb2) === "BACKUP", 10_000);
    report("unicast source missing at start", {
      neither: withoutEither,
      prestartOnly: `BACKUP after ${waited}`,
      nonlocalBindOnly: "BACKUP",
    });

    // And the backup is a working backup: the master's keepalived stops, lb2 takes over.
    await stopKeepalived(lb);
    await waitFor("lb2 to take over", () => vrrpState(lb2) === "MASTER" && holdsVip(lb2), 10_000);
  },
);

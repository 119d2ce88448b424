/**
 * Boot lab scenario 7: the pair with its VIP placed by route tables and by an Elastic
 * IP, each booted on two VMs from its synthesized user-data. The AWS stand-in holds
 * the route tables (the subnet's with the route Terraform created, another without it)
 * or the Elastic IP; the lab network follows what EC2 holds (lab/vm/gateway.ts): the
 * VPC router routes the VIP (outside the VPC CIDR) only as the subnet's route table
 * says, and an internet gateway's 1:1 NAT takes the public address to the associated
 * private one, for a client on the lab's internet. Then the master VM is powered off:
 * the other node claims, service is back. Both nodes are in one subnet (the lab has
 * one); the placements themselves do not depend on it. File 4 covers HAProxy killed,
 * the node's return and the rollout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pairTest as supportPairTest, outage, report, sleep, timeline } from "../../test/support";
import { labRelease } from "../../release";
import { LAB_ROUTE_TABLES, ROUTED_VIP, synthesize } from "../../stacks";
import { inNs } from "../../shell";
import { BootLab, bootLabDown, bootLabUp, cloudInitResult, launch } from "../boot-lab";
import { labInstances } from "../instances";
import { pairVmDiagnostics } from "../pair-vm";
import {
  ELASTIC_IP,
  LabPlacement,
  ROUTE_TABLE,
  claimCalls,
  networkNow,
  settledTarget,
} from "../placements";
import { powerOff } from "../qemu";
import { firstConnection } from "../vip-probes";
import { VPC_NS } from "../vpc";

const { debian } = labRelease();
/** Seconds without service the lab accepts under TCG, as file 4: VRRP's 3 s, a 7 s CLI start, the claim. */
const TCG_FAILOVER_BOUND_S = 30;

function scenario(placement: LabPlacement): void {
  let lab: BootLab;
  const claims = () => claimCalls(lab, placement);
  const followed = () =>
    ["router.log", "internet-gateway.log"]
      .map((f) => {
        try {
          return `== ${f}\n${readFileSync(join(lab.dir, f), "utf8").trimEnd()}`;
        } catch {
          return "";
        }
      })
      .join("\n");
  const pairTest = (name: string, fn: () => Promise<void>) =>
    supportPairTest(name, fn, undefined, async () => {
      return `${await pairVmDiagnostics(lab)}\n${followed()}`;
    });

  beforeAll(async () => {
    const lb = synthesize(placement.stack);
    lab = await bootLabUp(lb, debian, { seed: placement.seed(labInstances(lb)) });
    placement.follow(lab);
    const poweredOn = Date.now();
    launch(lab, "lb");
    launch(lab, "lb2");
    const reached = await firstConnection(placement.probe, poweredOn, 540_000);
    report(
      `${placement.kind} pair first boot, Debian ${debian}: seconds from power-on to the first connection (${placement.probe.name})`,
      Math.round(reached.afterMs / 1000),
    );
  }, 600_000);

  afterAll(() => bootLabDown());

  pairTest(
    "both nodes booted without cloud-init errors; EC2 sends the service to the master, claimed through the AWS API",
    async () => {
      for (const vm of lab.vms.values()) {
        const result = await cloudInitResult(vm, 300_000);
        expect([vm.spec.name, result.status, result.errors]).toEqual([vm.spec.name, "done", []]);
      }
      const holder = await settledTarget(lab, placement, 10_000, 120_000);
      report(`${placement.kind} pair after boot`, { holder, claims: claims() });
      expect(claims().length).toBeGreaterThan(0);
      expect(claims().every(([, , decision]) => decision === "allow")).toBe(true);
      expect(
        claims()
          .filter(([, , , status]) => status === "200")
          .pop()?.[0],
      ).toBe(holder);
      if (placement === ROUTE_TABLE) {
        // Both tables route the VIP to the holder: the missing route was created.
        const eni = lab.instances.find((i) => i.name === holder)!.eniId;
        const tables = networkNow().routeTables;
        expect(
          tables.map((t) => [t.id, t.routes.map((r) => [r.destination, r.networkInterfaceId])]),
        ).toEqual(LAB_ROUTE_TABLES.map((id) => [id, [[`${ROUTED_VIP}/32`, eni]]]));
        expect(
          claims().some(([, action, , status]) => action === "CreateRoute" && status === "200"),
        ).toBe(true);
        // The lab's router follows the subnet's table.
        const primary = lab.instances.find((i) => i.name === holder)!.localIpv4s[0];
        expect(inNs(VPC_NS, ["ip", "route", "show", `${ROUTED_VIP}/32`]).stdout).toContain(
          `via ${primary} `,
        );
      }
    },
  );

  pairTest(
    "the master VM powered off: the other claims (allowed), service back; seconds without service reported",
    async () => {
      const holder = await settledTarget(lab, placement, 5_000, 60_000);
      const other = holder === "lb" ? "lb2" : "lb";
      const before = claims().length;
      const client = timeline(placement.probe.ns, placement.probe.port, {
        ms: 35_000,
        everyMs: 250,
        timeoutMs: 2000,
        host: placement.probe.options.host,
      });
      await sleep(3000);
      const offAt = Date.now() - client.started;
      powerOff(lab.vms.get(holder)!);
      lab.vms.delete(holder);
      const result = outage(await client.done, offAt);
      const after = claims().slice(before);
      report(`${placement.kind} pair: ${holder} powered off`, { ...result, claims: after });
      expect(await settledTarget(lab, placement, 3_000, 30_000)).toBe(other);
      expect(after.length).toBeGreaterThan(0);
      expect(
        after.every(
          ([who, , decision, status]) => [who, decision, status].join() === `${other},allow,200`,
        ),
      ).toBe(true);
      expect(result.secondsWithoutService).toBeLessThan(TCG_FAILOVER_BOUND_S);
    },
  );
}

describe("route-table placement (a VIP outside the VPC CIDR, routed to the master)", () =>
  scenario(ROUTE_TABLE));
describe("elastic-ip placement (the public address associated with the master)", () =>
  scenario(ELASTIC_IP));

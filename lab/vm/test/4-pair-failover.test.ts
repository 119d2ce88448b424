/**
 * Boot lab scenario 4: the clustered pair (the 2010 lab pair stack, VIP as a secondary
 * private IP) on two VMs booted from their synthesized user-data. keepalived elects the
 * preferred master, which claims the VIP through Debian's AWS CLI from the AWS stand-in
 * (allowed by the synthesized role's policy); the VPC fabric delivers the VIP only to the
 * interface EC2 assigned it to. Then the master's HAProxy is killed, the master VM is
 * powered off, and it comes back: seconds without service and failed connections each
 * time, and no second failover when it returns.
 */
import { outage, report, sleep, timeline } from "../../test/support";
import { labRelease } from "../../release";
import { lab2010Pair, synthesize } from "../../stacks";
import { BootLab, bootLabDown, bootLabUp, cloudInitResult, launch } from "../boot-lab";
import { guestSh } from "../guest";
import { awsCalls, holdsVip, waitUntil } from "../pair-vm";
import { Vm, powerOff } from "../qemu";
import { VIP_PORTS, firstConnection } from "../vip-probes";

const { debian } = labRelease();
const IMAP = VIP_PORTS.find((p) => p.port === 143)!;
let lab: BootLab;
let lb: Vm;
let lb2: Vm;

beforeAll(async () => {
  lab = await bootLabUp(synthesize(lab2010Pair), debian);
  const poweredOn = Date.now();
  lb = launch(lab, "lb");
  lb2 = launch(lab, "lb2");
  const reached = await firstConnection(IMAP, poweredOn, 540_000);
  report(
    `pair first boot, Debian ${debian}: seconds from power-on to the first connection through the VIP`,
    Math.round(reached.afterMs / 1000),
  );
}, 600_000);

afterAll(() => bootLabDown());

test("both nodes booted without cloud-init errors; lb claimed the VIP through the AWS API, allowed by the role", async () => {
  for (const vm of [lb, lb2]) {
    const result = await cloudInitResult(vm, 300_000);
    expect([vm.spec.name, result.status, result.errors]).toEqual([vm.spec.name, "done", []]);
  }
  await waitUntil("lb2 to settle as backup", async () => !(await holdsVip(lb2)), 30_000);
  expect(await holdsVip(lb)).toBe(true);
  const claims = awsCalls(lab).filter((c) => c.action === "ec2:AssignPrivateIpAddresses");
  report(
    "claims",
    claims.map((c) => [c.caller?.instanceId, c.decision]),
  );
  expect(claims.map((c) => [c.caller?.instanceId, c.decision])).toEqual([
    [lab.instances[0].instanceId, "allow"],
  ]);
});

test("the master's HAProxy killed: service back, failed connections reported", async () => {
  const client = timeline("client", 143, { ms: 20_000, everyMs: 200, timeoutMs: 1000 });
  await sleep(2000);
  const killedAt = Date.now() - client.started;
  await guestSh(lb, "systemctl kill --signal=SIGKILL haproxy.service");
  const result = outage(await client.done, killedAt);
  report("pair: master HAProxy killed", { ...result, vipOn: (await holdsVip(lb)) ? "lb" : "lb2" });
  expect(result.secondsWithoutService).toBeLessThan(10);
});

test("the master VM powered off: lb2 claims the VIP, service back; seconds without service reported", async () => {
  const holder = (await holdsVip(lb)) ? lb : lb2;
  const other = holder === lb ? lb2 : lb;
  const client = timeline("client", 143, { ms: 30_000, everyMs: 200, timeoutMs: 1000 });
  await sleep(2000);
  const offAt = Date.now() - client.started;
  powerOff(holder);
  const result = outage(await client.done, offAt);
  report(`pair: ${holder.spec.name} powered off`, result);
  expect(await holdsVip(other)).toBe(true);
  const otherId = lab.instances.find((i) => i.name === other.spec.name)!.instanceId;
  expect(
    awsCalls(lab)
      .filter((c) => c.action === "ec2:AssignPrivateIpAddresses")
      .pop()?.caller?.instanceId,
  ).toBe(otherId);
  expect(result.secondsWithoutService).toBeLessThan(10);
  lab.vms.set("off", holder);
});

test("the powered-off node back: no second failover, no failed connection", async () => {
  const returning = lab.vms.get("off")!;
  const serving = returning === lb ? lb2 : lb;
  const client = timeline("client", 143, { ms: 150_000, everyMs: 500, timeoutMs: 1000 });
  launch(lab, returning.spec.name, true);
  await cloudInitResult(lab.vms.get(returning.spec.name)!, 180_000);
  const attempts = await client.done;
  const failed = attempts.filter((a) => !a.ok).length;
  report(`pair: ${returning.spec.name} back`, { attempts: attempts.length, failed });
  expect(await holdsVip(serving)).toBe(true);
  expect(await holdsVip(lab.vms.get(returning.spec.name)!)).toBe(false);
  expect(failed).toBe(0);
});

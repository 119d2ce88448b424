/**
 * Boot lab scenarios 1-3 on one instance (the 2010 lab stack: guide 001's VIPs and SMTP):
 * 1. first boot from the synthesized user-data: seconds from power-on to the first
 *    proxied connection through each VIP, cloud-init done without errors, the VIP on the
 *    interface, HAProxy running the synthesized haproxy.cfg byte for byte, connections to
 *    the real servers from the primary address;
 * 3. the network stack restarted as a systemd upgrade or `netplan apply` does it: the VIP
 *    keeps answering (failed connections reported);
 * 2. a reboot: serving again, with the VIP.
 */
import { hold, report, sleep } from "../../test/support";
import { labRelease } from "../../release";
import { inNs } from "../../shell";
import { lab2010, synthesize } from "../../stacks";
import { HOSTS, VIP } from "../../topology";
import { BootLab, bootLabDown, bootLabUp, cloudInitResult, launch } from "../boot-lab";
import { guestSh } from "../guest";
import { Vm } from "../qemu";
import { VIP_PORTS, firstConnection, whileRunning } from "../vip-probes";

const { debian } = labRelease();
let lab: BootLab;
let vm: Vm;
let poweredOn: number;

beforeAll(async () => {
  lab = await bootLabUp(synthesize(lab2010), debian);
  poweredOn = Date.now();
  vm = launch(lab, "lb");
}, 600_000);

afterAll(() => bootLabDown());

describe(`Debian ${debian}: first boot of the 2010 stack's instance`, () => {
  test("every VIP proxies a connection; seconds from power-on reported", async () => {
    const seconds: Record<string, number> = {};
    for (const probe of VIP_PORTS) {
      const reached = await firstConnection(probe, poweredOn, 480_000);
      seconds[probe.name] = Math.round(reached.afterMs / 100) / 10;
      expect(reached.server).toMatch(probe.servers);
    }
    report(
      `first boot, Debian ${debian}: seconds from power-on to the first proxied connection`,
      seconds,
    );
  });

  test("cloud-init finished without errors (EC2 datasource)", async () => {
    const result = await cloudInitResult(vm, 300_000);
    report(`first boot, Debian ${debian}: cloud-init`, result);
    expect(result.status).toBe("done");
    expect(result.errors).toEqual([]);
    expect(result.recoverableErrors).toEqual({});
    expect(await guestSh(vm, "cloud-init query platform")).toBe("ec2\n");
  });

  test("the VIP is on the interface, and HAProxy runs the synthesized haproxy.cfg byte for byte", async () => {
    expect(await guestSh(vm, "ip -4 -o address show")).toContain(` ${VIP}/32 `);
    expect(await guestSh(vm, "systemctl is-active haproxy")).toBe("active\n");
    expect(await guestSh(vm, "cat /etc/haproxy/haproxy.cfg")).toBe(lab.lb.haproxyConfig);
  });

  test("connections to the real servers leave from the primary address, never the VIP", async () => {
    const held = hold("client", 143, { maxMs: 8000 });
    await held.opened;
    const peers = ["cas1", "cas2"].flatMap((host) =>
      inNs(HOSTS[host as "cas1"].ns, ["ss", "-Htn", "state", "established", "( sport = :143 )"])
        .stdout.split("\n")
        .filter(Boolean)
        .map((line) => line.trim().split(/\s+/).pop()!.replace(/:\d+$/, "")),
    );
    await held.done;
    report("sources seen by the real servers", peers);
    expect(peers.length).toBeGreaterThan(0);
    expect(new Set(peers)).toEqual(new Set([lab.instances[0].localIpv4s[0]]));
  });
});

describe(`Debian ${debian}: the network stack restarted under the VIP`, () => {
  test.each([
    ["systemctl restart systemd-networkd", "systemctl restart systemd-networkd"],
    ["netplan apply", "netplan apply"],
    [
      "systemd reinstalled as unattended-upgrades does",
      "DEBIAN_FRONTEND=noninteractive apt-get -qq -o Dpkg::Options::=--force-confold install --reinstall systemd",
    ],
  ])("%s: the VIP keeps answering", async (name, command) => {
    // New IMAP connections every 250 ms from 3 s before the command until 3 s after it.
    const run = await whileRunning(143, () => guestSh(vm, command, 300_000), {
      maxMs: 320_000,
      everyMs: 250,
      timeoutMs: 2000,
    });
    const after = await guestSh(vm, "ip -4 -o address show");
    report(`network stack, ${name}`, {
      commandS: run.actionMs / 1000,
      attempts: run.attempts.length,
      failed: run.failed,
    });
    expect(after).toContain(` ${VIP}/32 `);
    // At most N failed, reported (issue 13): 0 in most runs; one `netplan apply` lost 1 of 56
    // (a 2 s probe timeout while networkd reconfigured the link under TCG).
    expect(run.failed).toBeLessThanOrEqual(2);
  });
});

describe(`Debian ${debian}: reboot`, () => {
  test("serving again with its VIP after a reboot", async () => {
    await guestSh(vm, "systemctl reboot").catch(() => undefined);
    const rebooted = Date.now();
    await sleep(5000);
    const reached = await firstConnection(VIP_PORTS[0], rebooted, 300_000);
    report(
      `reboot, Debian ${debian}: seconds to serving again`,
      Math.round(reached.afterMs / 1000),
    );
    expect(await guestSh(vm, "ip -4 -o address show")).toContain(` ${VIP}/32 `);
    expect(await guestSh(vm, "systemctl is-active haproxy")).toBe("active\n");
  });
});

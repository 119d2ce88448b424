/**
 * The apply program run for real by /bin/sh with each release's real `haproxy -c`, on a
 * node installed under a temporary root from its synthesized user-data: a
 * refused config changes nothing and reports HAProxy's words; an accepted one
 * is installed, the previous kept, HAProxy signalled to reload, and VIP
 * addresses follow on the node that holds them. `ip`, `sysctl` and
 * `systemctl`, and on a pair the failover program, are stand-ins that record
 * their arguments.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { renderConfigDocument } from "../../lib/delivery/config-document";
import { renderReservedPorts } from "../../lib/delivery/reserved-ports";
import { PATHS } from "../../lib/instance/paths";
import { CasHttpsVip } from "../../lib";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { InstanceRoot } from "../support/instance-root";
import { PAIR_PROPS, fixture } from "../support/synth";

/** haproxy.cfg with CAS2 at `server2`, and the user-data of the node at `node` (one instance: none). */
function loadBalancer(server2: string, pair = false) {
  const { lb } = fixture({
    servers: [
      { name: "CAS1", address: "192.168.30.20" },
      { name: "CAS2", address: server2 },
    ],
    ...(pair ? PAIR_PROPS : {}),
  });
  new CasHttpsVip(lb, "CasWeb");
  return {
    config: lb.renderHaproxyConfig(),
    userData: lb.renderUserData(pair ? "192.168.30.5" : undefined),
  };
}

const GOOD = loadBalancer("192.168.30.21");
const CHANGED = loadBalancer("192.168.30.22").config;
const PAIR_GOOD = loadBalancer("192.168.30.21", true);

let root: InstanceRoot;
let haproxy: ChildProcess | undefined;

/** A stand-in for HAProxy's master: records each SIGUSR2 (a reload), for at most 60 s. */
function startMaster(): void {
  haproxy = spawn("sh", [
    "-c",
    `trap 'echo reload >> "${root.dir}/reloads"' USR2; i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`,
  ]);
  root.write(PATHS.HAPROXY_PIDFILE, `${haproxy.pid}\n`);
}

/** A node as its user-data leaves it, with HAProxy running. */
function boot(userData: string): void {
  root = new InstanceRoot();
  root.installUserData(userData);
  // The default route's interface; a VIP is held where the test's `held` file says
  // ("VIP DEV [PREFIX]", /32 unless given), one line a copy, as `ip -o` lists them.
  root.write("held", "192.168.30.10 eth0\n");
  root.fake(
    "ip",
    [
      'case "$*" in',
      '  *"route show default"*) echo "default via 192.168.30.1 dev eth0";;',
      `  *"show to "*) awk -v vip="\${6%/32}" '$1 == vip { print "2: " $2 "    inet " vip "/" ($3 == "" ? 32 : $3) " scope global " $2 }' "${root.dir}/held";;`,
      "esac",
      "",
    ].join("\n"),
  );
  // Never the host's kernel or services: recorded, not run.
  root.fake("sysctl");
  root.fake("systemctl");
  startMaster();
}

beforeEach(() => boot(GOOD.userData));

afterEach(() => {
  haproxy?.kill("SIGKILL");
  root.remove();
});

function stage(haproxyConfig: string, vips: string): void {
  root.write("stage/haproxy.cfg", haproxyConfig);
  root.write("stage/vips", vips);
}

const apply = () => root.run(PATHS.APPLY_PROGRAM, [root.path("stage")]);
const addressChanges = () => root.calls("ip").filter((c) => !c.includes("show"));
const reloads = async () => {
  await new Promise((r) => setTimeout(r, 300));
  return root.exists("reloads") ? root.read("reloads").trim().split("\n").length : 0;
};

test("the node starts as its user-data leaves it: the config, the VIP list, the programs", () => {
  expect(root.read(PATHS.HAPROXY_CONFIG)).toBe(GOOD.config);
  expect(root.read(PATHS.VIPS_FILE)).toBe("192.168.30.10\n");
});

test.each(DEBIAN_RELEASES)(
  "$name's HAProxy: an accepted config is installed, the previous one kept, and HAProxy reloaded once",
  async (release) => {
    root.useTool(release, "haproxy");
    stage(CHANGED, "192.168.30.10\n");
    const result = await apply();
    expect(result.code).toBe(0);
    expect(root.read(PATHS.HAPROXY_CONFIG)).toBe(CHANGED);
    expect(root.read(PATHS.PREVIOUS_CONFIG)).toBe(GOOD.config);
    expect(await reloads()).toBe(1);
    expect(root.read(PATHS.APPLY_HISTORY)).toMatch(/applied [0-9a-f]{12}\n$/);
  },
);

test.each(DEBIAN_RELEASES)(
  "$name's HAProxy: a config that fails haproxy -c changes nothing, is kept for inspection and reported",
  async (release) => {
    root.useTool(release, "haproxy");
    const broken = CHANGED.replace("balance roundrobin", "balance sometimes");
    stage(broken, "192.168.30.10\n192.168.30.11\n");
    const result = await apply();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("refused");
    expect(result.stderr).toContain("the running configuration is unchanged");
    // HAProxy's own words reach the association's output.
    expect(result.stderr).toMatch(/\[ALERT\].*balance/);
    expect(root.read(PATHS.HAPROXY_CONFIG)).toBe(GOOD.config);
    expect(root.read(PATHS.VIPS_FILE)).toBe("192.168.30.10\n");
    const refused = readdirSync(root.path(PATHS.REFUSED_DIR));
    expect(refused).toHaveLength(1);
    expect(root.read(`${PATHS.REFUSED_DIR}/${refused[0]}`)).toBe(broken);
    expect(await reloads()).toBe(0);
    expect(root.calls("ip")).toEqual([]);
  },
);

test("new listener ports are reserved from the ephemeral range, persistently, before the reload", async () => {
  stage(CHANGED, "192.168.30.10\n");
  root.write("stage/reserved-ports.conf", renderReservedPorts([443, 8443]));
  expect((await apply()).code).toBe(0);
  expect(root.read(PATHS.RESERVED_PORTS)).toContain(
    "net.ipv4.ip_local_reserved_ports = 8443,59531-60554\n",
  );
  expect(root.calls("sysctl")).toEqual([`sysctl -q -p ${root.path(PATHS.RESERVED_PORTS)}`]);
  expect(await reloads()).toBe(1);

  // The same ports again: nothing to set.
  root.clearCalls();
  stage(GOOD.config, "192.168.30.10\n");
  root.write("stage/reserved-ports.conf", renderReservedPorts([443, 8443]));
  expect((await apply()).code).toBe(0);
  expect(root.calls("sysctl")).toEqual([]);
});

test("the same config again is a no-op: no reload", async () => {
  stage(GOOD.config, "192.168.30.10\n");
  const result = await apply();
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/unchanged/);
  expect(await reloads()).toBe(0);
});

test("one instance: a removed VIP leaves the interface holding it; a new one joins the default route's", async () => {
  // As an earlier version could leave it: on another interface than the default route's.
  root.write("held", "192.168.30.10 ens6\n");
  stage(CHANGED, "192.168.30.11\n");
  expect((await apply()).code).toBe(0);
  expect(addressChanges()).toEqual([
    "ip address del 192.168.30.10/32 dev ens6",
    "ip address replace 192.168.30.11/32 dev eth0",
  ]);
});

test("a removed VIP leaves with every prefix it is held with: ours as /32 and the /24 cloud-init put in at first boot", async () => {
  root.write("held", "192.168.30.10 eth0\n192.168.30.10 eth0 24\n");
  stage(CHANGED, "192.168.30.11\n");
  expect((await apply()).code).toBe(0);
  expect(addressChanges()).toEqual([
    "ip address del 192.168.30.10/32 dev eth0",
    "ip address del 192.168.30.10/24 dev eth0",
    "ip address replace 192.168.30.11/32 dev eth0",
  ]);
});

test("one instance: a VIP that cannot be added does not stop the others, and fails the program", async () => {
  root.write(PATHS.VIPS_FILE, "192.168.30.10\n192.168.30.11\n");
  root.fake(
    "ip",
    [
      'case "$*" in',
      '  *"route show default"*) echo "default via 192.168.30.1 dev eth0";;',
      '  *"192.168.30.10/32"*) exit 2;;',
      "esac",
      "",
    ].join("\n"),
  );
  expect((await root.run(PATHS.VIP_ADDRESSES_PROGRAM)).code).toBe(1);
  expect(addressChanges()).toEqual([
    "ip address replace 192.168.30.10/32 dev eth0",
    "ip address replace 192.168.30.11/32 dev eth0",
  ]);
});

test("one instance: the VIPs' interface gets a networkd drop-in that keeps them when networkd restarts", async () => {
  expect((await root.run(PATHS.VIP_ADDRESSES_PROGRAM)).code).toBe(0);
  expect(
    root.read(`${PATHS.NETWORKD_DIR}/10-netplan-eth0.network.d/networkd-keep-vips.conf`),
  ).toMatch(/^\[Network\]\nKeepConfiguration=static\n/m);
});

test("one instance: a VIP that cannot be added fails the rollout, after the config is applied and reloaded", async () => {
  root.fakeProgram(PATHS.VIP_ADDRESSES_PROGRAM, "exit 1\n");
  stage(CHANGED, "192.168.30.11\n");
  const result = await apply();
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/applied \w{12} but adding the new VIP list failed/);
  expect(await reloads()).toBe(1);
});

test("one instance: a new VIP joins the interface and a removed one leaves it", async () => {
  stage(CHANGED, "192.168.30.11\n");
  expect((await apply()).code).toBe(0);
  expect(addressChanges()).toEqual([
    "ip address del 192.168.30.10/32 dev eth0",
    "ip address replace 192.168.30.11/32 dev eth0",
  ]);
  expect(root.read(PATHS.VIPS_FILE)).toBe("192.168.30.11\n");
});

describe("a pair node", () => {
  beforeEach(() => {
    haproxy?.kill("SIGKILL");
    root.remove();
    boot(PAIR_GOOD.userData);
    root.fakeProgram(PATHS.FAILOVER_PROGRAM);
  });

  test("drops removed VIPs and leaves the new list to the failover program, which claims only on the master", async () => {
    stage(PAIR_GOOD.config.replace("weight 100", "weight 50"), "192.168.30.11\n");
    expect((await apply()).code).toBe(0);
    expect(root.calls().filter((c) => !c.includes("show"))).toEqual([
      "ip address del 192.168.30.10/32 dev eth0",
      "exchange-lb-failover reclaim",
    ]);
    // Counted before the next apply: the fake HAProxy's trap runs between its sleeps,
    // and a second USR2 that arrives before it would merge with the first.
    expect(await reloads()).toBe(1);

    // On the backup the removed VIP is on no interface: nothing to drop.
    root.clearCalls();
    root.write("held", "");
    stage(PAIR_GOOD.config.replace("weight 100", "weight 60"), "192.168.30.12\n");
    expect((await apply()).code).toBe(0);
    expect(root.calls().filter((c) => !c.includes("show"))).toEqual([
      "exchange-lb-failover reclaim",
    ]);
    expect(await reloads()).toBe(2);
  });

  test("a claim of the new VIP list that fails fails the rollout, after the config is applied and reloaded", async () => {
    root.fakeProgram(PATHS.FAILOVER_PROGRAM, "exit 1\n");
    stage(PAIR_GOOD.config.replace("weight 100", "weight 50"), "192.168.30.10\n192.168.30.11\n");
    const result = await apply();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /applied \w{12} but claiming the new VIP list failed \(exchange-lb-failover retries it while this node is master\)/,
    );
    expect(root.read(PATHS.HAPROXY_CONFIG)).toContain("weight 50");
    expect(await reloads()).toBe(1);
  });

  test("checks the config with the source address HAProxy's unit reads", async () => {
    root.write(PATHS.HAPROXY_ENVIRONMENT, "EXCHANGE_LB_SOURCE=192.168.30.5\n");
    root.fake("haproxy", `echo "source=$EXCHANGE_LB_SOURCE" >> "${root.dir}/calls.log"\n`);
    stage(PAIR_GOOD.config.replace("weight 100", "weight 50"), "192.168.30.10\n");
    expect((await apply()).code).toBe(0);
    expect(root.calls()).toContain("source=192.168.30.5");
  });

  test("checks the peers section under the node's own peer name (-L), from its settings", async () => {
    // A recording haproxy: what matters here is the node name the check is run under.
    root.fake("haproxy", "exit 0\n");
    stage(PAIR_GOOD.config.replace("weight 100", "weight 50"), "192.168.30.10\n");
    expect((await apply()).code).toBe(0);
    expect(root.calls("haproxy")).toEqual([
      `haproxy -c -L lb-192-168-30-5 -f ${root.path("stage")}/haproxy.cfg`,
    ]);
  });

  test("--boot checks the installed config as the node runs it, then starts HAProxy", async () => {
    root.fake("haproxy", "exit 0\n");
    expect((await root.run(PATHS.APPLY_PROGRAM, ["--boot"])).code).toBe(0);
    expect(root.calls().filter((c) => !c.startsWith("ip "))).toEqual([
      `haproxy -c -L lb-192-168-30-5 -f ${root.path(PATHS.HAPROXY_CONFIG)}`,
      // The package's own start may have hit systemd's start limit.
      "systemctl reset-failed haproxy",
      "systemctl enable haproxy",
      "systemctl restart haproxy",
    ]);
  });
});

test.each(DEBIAN_RELEASES)(
  "$name's HAProxy: --boot with a config haproxy -c refuses starts nothing and fails the boot",
  async (release) => {
    root.useTool(release, "haproxy");
    root.write(
      PATHS.HAPROXY_CONFIG,
      GOOD.config.replace("balance roundrobin", "balance sometimes"),
    );
    const result = await root.run(PATHS.APPLY_PROGRAM, ["--boot"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\[ALERT\].*balance/);
    expect(root.calls("systemctl")).toEqual([]);
  },
);

test("the SSM document unpacks to exactly the bundle and hands it to the apply program", () => {
  const bundle = {
    haproxyConfig: GOOD.config,
    vipList: "192.168.30.10\n192.168.30.11\n",
    certificateList: "/etc/haproxy/certs/CasWeb.pem ssm /exchange/tls/mail\n",
    reservedPorts: renderReservedPorts([443, 10000]),
    bridgeServers:
      "CasWeb reported /etc/haproxy/certs/CasWeb.pem mail.example.com CAS1 192.168.30.20:443\n",
    sourceAddresses: "lb-10-0-1-5 10.0.1.20 10.0.1.21\n",
    monitoringSettings: 'METRICS_PUBLISH="yes"\n',
    installProgram: "#!/bin/sh\n",
    metricsProgram: "#!/bin/sh\n",
    metricsService: "[Service]\n",
    logsProgram: "#!/bin/sh\n# logs\n",
    logsService: "[Service]\n# logs\n",
    serverStateProgram: "#!/bin/sh\n# server states\n",
  };
  const document = JSON.parse(renderConfigDocument(bundle, "test"));
  expect(document.schemaVersion).toBe("2.2");
  const commands: string[] = document.mainSteps[0].inputs.runCommand;
  expect(commands.at(-1)).toBe(
    `${PATHS.APPLY_PROGRAM} "$stage" && if [ -x ${PATHS.FLEET_READY_PROGRAM} ]; then ${PATHS.FLEET_READY_PROGRAM}; fi`,
  );
  // Run the document's own commands, with the apply program swapped for one that copies the stage.
  const out = join(root.dir, "unpacked");
  mkdirSync(out);
  const script = [...commands.slice(0, -1), `cp -r "$stage/." ${out}/`].join("\n");
  const result = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(root.read("unpacked/haproxy.cfg")).toBe(bundle.haproxyConfig);
  expect(root.read("unpacked/vips")).toBe(bundle.vipList);
  expect(root.read("unpacked/certificates")).toBe(bundle.certificateList);
  expect(root.read("unpacked/reserved-ports.conf")).toBe(bundle.reservedPorts);
  expect(root.read("unpacked/bridge-servers")).toBe(bundle.bridgeServers);
  expect(root.read("unpacked/source-addresses")).toBe(bundle.sourceAddresses);
  expect(root.read("unpacked/monitoring")).toBe(bundle.monitoringSettings);
  expect(root.read("unpacked/exchange-lb-metrics")).toBe(bundle.metricsProgram);
  expect(root.read("unpacked/exchange-lb-install")).toBe(bundle.installProgram);
  expect(root.read("unpacked/exchange-lb-metrics.service")).toBe(bundle.metricsService);
  expect(root.read("unpacked/exchange-lb-logs")).toBe(bundle.logsProgram);
  expect(root.read("unpacked/exchange-lb-logs.service")).toBe(bundle.logsService);
  expect(root.read("unpacked/exchange-lb-server-state")).toBe(bundle.serverStateProgram);
  expect(renderConfigDocument(bundle, "test")).toBe(renderConfigDocument(bundle, "test"));
  expect(JSON.stringify(document)).not.toMatch(/\{\{/);
});

test("a new certificates list is fetched before the check; a failed fetch refuses and restores the list", async () => {
  root.fakeProgram(PATHS.CERTIFICATES_PROGRAM, `cat "${root.path(PATHS.CERTIFICATE_LIST)}"\n`);
  stage(CHANGED, "192.168.30.10\n");
  root.write("stage/certificates", "/etc/haproxy/certs/CasWeb.pem ssm /tls\n");
  const fetched = await apply();
  expect(fetched.code).toBe(0);
  // The program saw the new list.
  expect(fetched.stdout).toContain("/etc/haproxy/certs/CasWeb.pem ssm /tls\n");
  expect(root.read(PATHS.CERTIFICATE_LIST)).toBe("/etc/haproxy/certs/CasWeb.pem ssm /tls\n");
  expect(root.calls("exchange-lb-certificates")).toEqual(["exchange-lb-certificates "]);

  root.fakeProgram(PATHS.CERTIFICATES_PROGRAM, "exit 1\n");
  stage(GOOD.config, "192.168.30.10\n");
  root.write("stage/certificates", "/etc/haproxy/certs/Other.pem ssm /other\n");
  const refused = await apply();
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(
    "a certificate could not be fetched; the running configuration is unchanged",
  );
  expect(root.read(PATHS.CERTIFICATE_LIST)).toBe("/etc/haproxy/certs/CasWeb.pem ssm /tls\n");
  expect(root.read(PATHS.HAPROXY_CONFIG)).toBe(CHANGED);
});

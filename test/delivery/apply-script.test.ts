/**
 * The apply script run for real by /bin/sh with the real `haproxy -c`, under
 * a temporary root: a refused config changes nothing and reports HAProxy's
 * words; an accepted one is installed, the previous kept, HAProxy signalled to
 * reload, and VIP addresses follow on the node that holds them. `ip` and the
 * failover script are fakes on PATH that record their arguments.
 */
import { ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APPLY_SCRIPT_TEXT } from "../../lib/delivery/apply-script";
import { renderConfigDocument } from "../../lib/delivery/config-document";
import { renderReservedPorts } from "../../lib/delivery/reserved-ports";
import { fixture } from "../support/synth";
import { CasHttpsVip } from "../../lib";

let root: string;
let haproxy: ChildProcess | undefined;

/** A stand-in for HAProxy's master: records each SIGUSR2 (a reload), for at most 60 s. */
function startMaster(): void {
  haproxy = spawn("sh", [
    "-c",
    `trap 'echo reload >> "${root}/reloads"' USR2; i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`,
  ]);
  writeFileSync(join(root, "run", "haproxy.pid"), `${haproxy.pid}\n`);
}

function config(server2: string): string {
  const { lb } = fixture({
    servers: [
      { name: "CAS1", address: "192.168.30.20" },
      { name: "CAS2", address: server2 },
    ],
  });
  new CasHttpsVip(lb, "CasWeb");
  return lb.renderHaproxyConfig();
}

const GOOD = config("192.168.30.21");
const CHANGED = config("192.168.30.22");

function fake(name: string, body = ""): void {
  const file = join(root, "bin", name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${root}/calls.log"\n${body}`);
  chmodSync(file, 0o755);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "exchange-lb-apply-"));
  for (const d of ["bin", "run/exchange-lb", "etc/haproxy", "etc/exchange-lb", "stage"]) {
    mkdirSync(join(root, d), { recursive: true });
  }
  writeFileSync(join(root, "etc/haproxy/haproxy.cfg"), GOOD);
  writeFileSync(join(root, "etc/exchange-lb/vips"), "192.168.30.10\n");
  // The default route's interface; a VIP is held where the test's `held` file says ("VIP DEV").
  writeFileSync(join(root, "held"), "192.168.30.10 eth0\n");
  fake(
    "ip",
    [
      'case "$*" in',
      '  *"route show default"*) echo "default via 192.168.30.1 dev eth0";;',
      `  *"show to "*) awk -v vip="\${6%/32}" '$1 == vip { print "2: " $2 "    inet " vip "/32" }' "${root}/held";;`,
      "esac",
      "",
    ].join("\n"),
  );
  fake("exchange-lb-failover");
  // Never the host's kernel: the reserved ports are recorded, not set.
  fake("sysctl");
  writeFileSync(join(root, "apply.sh"), APPLY_SCRIPT_TEXT, { mode: 0o755 });
  startMaster();
});

afterEach(() => {
  haproxy?.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

function stage(haproxyConfig: string, vips: string): void {
  writeFileSync(join(root, "stage/haproxy.cfg"), haproxyConfig);
  writeFileSync(join(root, "stage/vips"), vips);
}

function apply(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      join(root, "apply.sh"),
      [join(root, "stage")],
      {
        env: { PATH: `${root}/bin:/usr/sbin:/usr/bin:/sbin:/bin`, EXCHANGE_LB_ROOT: root },
        timeout: 20_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    ),
  );
}

const read = (path: string) => readFileSync(join(root, path), "utf8");
const calls = () =>
  existsSync(join(root, "calls.log")) ? read("calls.log").trim().split("\n") : [];
const reloads = async () => {
  await new Promise((r) => setTimeout(r, 300));
  return existsSync(join(root, "reloads")) ? read("reloads").trim().split("\n").length : 0;
};

test("an accepted config is installed, the previous one kept, and HAProxy reloaded once", async () => {
  stage(CHANGED, "192.168.30.10\n");
  const result = await apply();
  expect(result.code).toBe(0);
  expect(read("etc/haproxy/haproxy.cfg")).toBe(CHANGED);
  expect(read("var/lib/exchange-lb/haproxy.cfg.previous")).toBe(GOOD);
  expect(await reloads()).toBe(1);
  expect(read("var/lib/exchange-lb/history.log")).toMatch(/applied [0-9a-f]{12}\n$/);
});

test("a config that fails haproxy -c changes nothing, is kept for inspection and reported", async () => {
  const broken = CHANGED.replace("balance roundrobin", "balance sometimes");
  stage(broken, "192.168.30.10\n192.168.30.11\n");
  const result = await apply();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("refused");
  expect(result.stderr).toContain("the running configuration is unchanged");
  // HAProxy's own words reach the association's output.
  expect(result.stderr).toMatch(/\[ALERT\].*balance/);
  expect(read("etc/haproxy/haproxy.cfg")).toBe(GOOD);
  expect(read("etc/exchange-lb/vips")).toBe("192.168.30.10\n");
  const refused = readdirSync(join(root, "var/lib/exchange-lb/refused"));
  expect(refused).toHaveLength(1);
  expect(read(`var/lib/exchange-lb/refused/${refused[0]}`)).toBe(broken);
  expect(await reloads()).toBe(0);
  expect(calls()).toEqual([]);
});

test("new listener ports are reserved from the ephemeral range, persistently, before the reload", async () => {
  const reserved = join(root, "etc/sysctl.d/61-exchange-lb-reserved-ports.conf");
  stage(CHANGED, "192.168.30.10\n");
  writeFileSync(join(root, "stage/reserved-ports.conf"), renderReservedPorts([443, 8443]));
  expect((await apply()).code).toBe(0);
  expect(readFileSync(reserved, "utf8")).toContain(
    "net.ipv4.ip_local_reserved_ports = 8443,59531-60554\n",
  );
  expect(calls()).toContain(`sysctl -q -p ${reserved}`);
  expect(await reloads()).toBe(1);

  // The same ports again: nothing to set.
  writeFileSync(join(root, "calls.log"), "");
  stage(GOOD, "192.168.30.10\n");
  writeFileSync(join(root, "stage/reserved-ports.conf"), renderReservedPorts([443, 8443]));
  expect((await apply()).code).toBe(0);
  expect(calls().filter((c) => c.startsWith("sysctl"))).toEqual([]);
});

test("the same config again is a no-op: no reload", async () => {
  stage(GOOD, "192.168.30.10\n");
  const result = await apply();
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/unchanged/);
  expect(await reloads()).toBe(0);
});

test("one instance: a removed VIP leaves the interface holding it; a new one joins the default route's", async () => {
  // As an earlier version could leave it: on another interface than the default route's.
  writeFileSync(join(root, "held"), "192.168.30.10 ens6\n");
  stage(CHANGED, "192.168.30.11\n");
  expect((await apply()).code).toBe(0);
  expect(calls().filter((c) => !c.includes("show"))).toEqual([
    "ip address del 192.168.30.10/32 dev ens6",
    "ip address replace 192.168.30.11/32 dev eth0",
  ]);
});

test("one instance: a new VIP joins the interface and a removed one leaves it", async () => {
  stage(CHANGED, "192.168.30.11\n");
  expect((await apply()).code).toBe(0);
  expect(calls().filter((c) => !c.includes("show"))).toEqual([
    "ip address del 192.168.30.10/32 dev eth0",
    "ip address replace 192.168.30.11/32 dev eth0",
  ]);
  expect(read("etc/exchange-lb/vips")).toBe("192.168.30.11\n");
});

test("a pair drops removed VIPs and leaves the new list to the failover script, which claims only on the master", async () => {
  writeFileSync(join(root, "etc/exchange-lb/failover.conf"), "PLACEMENT=secondary-ip\n");
  mkdirSync(join(root, "etc/default"), { recursive: true });
  writeFileSync(join(root, "etc/default/haproxy"), 'EXTRAOPTS="-S /run/x.sock -L lb-a"\n');
  const pairConfig = GOOD.replace(
    "\nfrontend",
    "\npeers exchange_pair\n    peer lb-a 192.168.30.5:10000\n    peer lb-b 192.168.30.6:10000\n\nfrontend",
  );
  stage(pairConfig, "192.168.30.11\n");
  expect((await apply()).code).toBe(0);
  expect(calls().filter((c) => !c.includes("show"))).toEqual([
    "ip address del 192.168.30.10/32 dev eth0",
    "exchange-lb-failover reclaim",
  ]);

  // On the backup the removed VIP is on no interface: nothing to drop.
  writeFileSync(join(root, "calls.log"), "");
  writeFileSync(join(root, "held"), "");
  stage(pairConfig.replace("weight 100", "weight 50"), "192.168.30.12\n");
  expect((await apply()).code).toBe(0);
  expect(calls().filter((c) => c && !c.includes("show"))).toEqual(["exchange-lb-failover reclaim"]);
  expect(await reloads()).toBe(2);
});

test("the pair's peers section is checked under the node's own peer name (-L)", async () => {
  mkdirSync(join(root, "etc/default"), { recursive: true });
  writeFileSync(join(root, "etc/default/haproxy"), 'EXTRAOPTS="-S /run/x.sock -L lb-c"\n');
  writeFileSync(join(root, "etc/exchange-lb/failover.conf"), "PLACEMENT=secondary-ip\n");
  // A recording haproxy: what matters here is the node name the check is run under.
  const pairConfig = GOOD.replace(
    "\nfrontend",
    "\npeers exchange_pair\n    peer lb-a 192.168.30.5:10000\n    peer lb-b 192.168.30.6:10000\n\nfrontend",
  );
  fake("haproxy", "exit 0\n");
  stage(pairConfig, "192.168.30.10\n");
  expect((await apply()).code).toBe(0);
  expect(calls()).toContain(`haproxy -c -L lb-c -f ${root}/stage/haproxy.cfg`);
});

test("the SSM document unpacks to exactly the bundle and hands it to the apply script", () => {
  const bundle = {
    haproxyConfig: GOOD,
    vipList: "192.168.30.10\n192.168.30.11\n",
    certificateList: "/etc/haproxy/certs/CasWeb.pem ssm /exchange/tls/mail\n",
    reservedPorts: renderReservedPorts([443, 10000]),
  };
  const document = JSON.parse(renderConfigDocument(bundle, "test"));
  expect(document.schemaVersion).toBe("2.2");
  const commands: string[] = document.mainSteps[0].inputs.runCommand;
  // Run the document's own commands, with the apply script swapped for one that copies the stage.
  const out = join(root, "unpacked");
  mkdirSync(out);
  const script = commands
    .join("\n")
    .replace("/usr/local/sbin/exchange-lb-apply", `cp -r "$stage/." ${out}/ && true`);
  const result = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(read("unpacked/haproxy.cfg")).toBe(bundle.haproxyConfig);
  expect(read("unpacked/vips")).toBe(bundle.vipList);
  expect(read("unpacked/certificates")).toBe(bundle.certificateList);
  expect(read("unpacked/reserved-ports.conf")).toBe(bundle.reservedPorts);
  expect(renderConfigDocument(bundle, "test")).toBe(renderConfigDocument(bundle, "test"));
  expect(JSON.stringify(document)).not.toMatch(/\{\{/);
});

test("a new certificates list is fetched before the check; a failed fetch refuses and restores the list", async () => {
  writeFileSync(join(root, "etc/exchange-lb/certificates"), "");
  fake("exchange-lb-certificates", 'echo "list=$EXCHANGE_LB_CERTIFICATES"\nexit 0\n');
  stage(CHANGED, "192.168.30.10\n");
  writeFileSync(join(root, "stage/certificates"), "/etc/haproxy/certs/CasWeb.pem ssm /tls\n");
  expect((await apply()).code).toBe(0);
  expect(read("etc/exchange-lb/certificates")).toBe("/etc/haproxy/certs/CasWeb.pem ssm /tls\n");
  expect(calls()).toContain("exchange-lb-certificates ");

  fake("exchange-lb-certificates", "exit 1\n");
  stage(GOOD, "192.168.30.10\n");
  writeFileSync(join(root, "stage/certificates"), "/etc/haproxy/certs/Other.pem ssm /other\n");
  const refused = await apply();
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(
    "a certificate could not be fetched; the running configuration is unchanged",
  );
  expect(read("etc/exchange-lb/certificates")).toBe("/etc/haproxy/certs/CasWeb.pem ssm /tls\n");
  expect(read("etc/haproxy/haproxy.cfg")).toBe(CHANGED);
});

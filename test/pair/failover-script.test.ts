/**
 * The failover script run for real by /bin/sh against a fake `aws`, `ip` and
 * `arping` on PATH that record their arguments, and a fake IMDSv2 that refuses
 * requests without a session token: the calls each VIP placement makes.
 */
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FailoverSettings, FAILOVER_SCRIPT_TEXT, renderFailoverConfig } from "../../lib";
import { renderVipList } from "../../lib/delivery/vip-list";

const TOKEN = "token-123";
const METADATA: Record<string, string> = {
  mac: "0a:00:00:00:00:05",
  "network/interfaces/macs/0a:00:00:00:00:05/interface-id": "eni-0aaa",
  "placement/region": "eu-west-2",
  "local-ipv4": "10.0.1.5",
};

let imds: Server;
let imdsUrl: string;
let dir: string;

beforeAll(async () => {
  imds = createServer((req, res) => {
    if (req.method === "PUT" && req.url === "/latest/api/token") {
      res.end(req.headers["x-aws-ec2-metadata-token-ttl-seconds"] ? TOKEN : "");
      return;
    }
    const path = (req.url ?? "").replace("/latest/meta-data/", "");
    if (req.headers["x-aws-ec2-metadata-token"] !== TOKEN) res.writeHead(401).end();
    else if (METADATA[path] === undefined) res.writeHead(404).end();
    else res.end(METADATA[path]);
  });
  await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => imds.close(() => resolve())));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "exchange-lb-failover-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake command that appends its arguments to calls.log; `aws` fails while failures remain. */
function fake(name: string, body = ""): void {
  const file = join(dir, "bin", name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${dir}/calls.log"\n${body}`);
  chmodSync(file, 0o755);
}

function setUp(
  settings: FailoverSettings & { vips: readonly string[] },
  options: { awsFailures?: number } = {},
): void {
  spawnSync("mkdir", ["-p", join(dir, "bin"), join(dir, "run")]);
  writeFileSync(join(dir, "aws-failures"), String(options.awsFailures ?? 0));
  fake(
    "aws",
    `left=$(cat "${dir}/aws-failures"); if [ "$left" -gt 0 ]; then echo $((left - 1)) > "${dir}/aws-failures"; exit 255; fi\n`,
  );
  // `ip -4 -o address show to A/32` answers with the interface holding the node address.
  fake(
    "ip",
    `case "$*" in *"show to"*) echo "2: eth9    inet ${settings.nodeAddress}/24 brd x scope global eth9";; esac\n`,
  );
  fake("arping");
  writeFileSync(join(dir, "failover.sh"), FAILOVER_SCRIPT_TEXT);
  chmodSync(join(dir, "failover.sh"), 0o755);
  const conf = renderFailoverConfig(settings)
    .replace(/^IMDS=.*$/m, `IMDS="${imdsUrl}"`)
    .replace(/^RUN_DIR=.*$/m, `RUN_DIR="${dir}/run"`)
    .replace(/^HAPROXY_PIDFILE=.*$/m, `HAPROXY_PIDFILE="${dir}/haproxy.pid"`)
    .replace(/^PRESTART_WAIT=.*$/m, `PRESTART_WAIT="2"`)
    .replace(/^VIPS_FILE=.*$/m, `VIPS_FILE="${dir}/vips"`);
  writeFileSync(join(dir, "vips"), renderVipList(settings.vips));
  writeFileSync(join(dir, "failover.conf"), conf);
}

function script(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(dir, "failover.sh"),
      args,
      {
        env: {
          PATH: `${dir}/bin:/usr/bin:/bin`,
          EXCHANGE_LB_FAILOVER_CONF: join(dir, "failover.conf"),
        },
        timeout: 20_000,
      },
      (error, _stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

function calls(command?: string): string[] {
  const file = join(dir, "calls.log");
  const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
  return lines.filter((line) => line && (!command || line.startsWith(`${command} `)));
}

function events(): string[] {
  return readFileSync(join(dir, "run", "events.log"), "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(" ").slice(1).join(" "));
}

const node = "10.0.1.5";

test("secondary IP: MASTER reassigns every VIP to this node's interface, then adds them locally", async () => {
  setUp({ placement: "secondary-ip", nodeAddress: node, vips: ["10.0.1.10", "10.0.1.11"] });
  expect(await script("event", "MASTER")).toEqual({ code: 0, stderr: expect.any(String) });
  expect(calls("aws")).toEqual([
    "aws ec2 assign-private-ip-addresses --region eu-west-2 --network-interface-id eni-0aaa --allow-reassignment --private-ip-addresses 10.0.1.10 10.0.1.11",
  ]);
  expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([
    "ip address replace 10.0.1.10/32 dev eth9",
    "ip address replace 10.0.1.11/32 dev eth9",
  ]);
  expect(calls("arping")).toEqual([
    "arping -q -U -c 2 -w 2 -I eth9 10.0.1.10",
    "arping -q -U -c 2 -w 2 -I eth9 10.0.1.11",
  ]);
  expect(events()).toEqual(["MASTER claimed"]);
  expect(readFileSync(join(dir, "run", "state"), "utf8")).toBe("MASTER\n");
});

test("route table: MASTER repoints each VIP's /32 in each route table at this node's interface", async () => {
  setUp({
    placement: "route-table",
    nodeAddress: node,
    vips: ["100.64.10.10"],
    routeTableIds: ["rtb-0a", "rtb-0b"],
  });
  expect((await script("event", "MASTER")).code).toBe(0);
  expect(calls("aws")).toEqual([
    "aws ec2 replace-route --region eu-west-2 --route-table-id rtb-0a --destination-cidr-block 100.64.10.10/32 --network-interface-id eni-0aaa",
    "aws ec2 replace-route --region eu-west-2 --route-table-id rtb-0b --destination-cidr-block 100.64.10.10/32 --network-interface-id eni-0aaa",
  ]);
  expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([
    "ip address replace 100.64.10.10/32 dev eth9",
  ]);
});

test("Elastic IP: MASTER reassociates it with this node's primary address; nothing is added locally", async () => {
  setUp({ placement: "elastic-ip", nodeAddress: node, vips: [], allocationId: "eipalloc-0e" });
  expect((await script("event", "MASTER_RX_LOWER_PRI")).code).toBe(0);
  expect(calls("aws")).toEqual([
    "aws ec2 associate-address --region eu-west-2 --allocation-id eipalloc-0e --network-interface-id eni-0aaa --private-ip-address 10.0.1.5 --allow-reassociation",
  ]);
  expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([]);
  expect(events()).toEqual(["MASTER_RX_LOWER_PRI claimed"]);
});

test("local-only (the lab): MASTER adds the VIPs and announces them, with no AWS call", async () => {
  setUp({ placement: "local-only", nodeAddress: node, vips: ["192.168.30.10"] });
  expect((await script("event", "MASTER")).code).toBe(0);
  expect(calls("aws")).toEqual([]);
  expect(calls("arping")).toEqual(["arping -q -U -c 2 -w 2 -I eth9 192.168.30.10"]);
});

test.each(["BACKUP", "FAULT", "STOP"])(
  "%s removes the VIPs locally and makes no AWS call (the new master reassigns)",
  async (state) => {
    setUp({ placement: "secondary-ip", nodeAddress: node, vips: ["10.0.1.10"] });
    expect((await script("event", state)).code).toBe(0);
    expect(calls("aws")).toEqual([]);
    expect(calls("ip").filter((c) => c.includes(" del "))).toEqual([
      "ip address del 10.0.1.10/32 dev eth9",
    ]);
    expect(events()).toEqual([`${state} released`]);
  },
);

test("a throttled AWS call is retried; three failures report claim-failed and exit non-zero", async () => {
  setUp({ placement: "secondary-ip", nodeAddress: node, vips: ["10.0.1.10"] }, { awsFailures: 2 });
  expect((await script("event", "MASTER")).code).toBe(0);
  expect(calls("aws")).toHaveLength(3);
  expect(events()).toEqual(["MASTER claimed"]);

  setUp({ placement: "secondary-ip", nodeAddress: node, vips: ["10.0.1.10"] }, { awsFailures: 9 });
  const failed = await script("event", "MASTER");
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain("failed 3 times: aws ec2 assign-private-ip-addresses");
  expect(events().at(-1)).toBe("MASTER claim-failed");
});

test("no IMDSv2 token, no identity: the claim fails without an AWS call", async () => {
  setUp({ placement: "secondary-ip", nodeAddress: node, vips: ["10.0.1.10"] });
  const conf = join(dir, "failover.conf");
  // A token endpoint that answers nothing useful: every metadata read is refused.
  writeFileSync(conf, readFileSync(conf, "utf8").replace(imdsUrl, `${imdsUrl}/nowhere`));
  expect((await script("event", "MASTER")).code).toBe(1);
  expect(calls("aws")).toEqual([]);
});

test("fifo: keepalived's events are handled in the order written", async () => {
  setUp({ placement: "local-only", nodeAddress: node, vips: ["192.168.30.10"] });
  const fifo = join(dir, "run", "vrrp.fifo");
  spawnSync("mkfifo", [fifo]);
  const running = script("fifo", fifo);
  writeFileSync(
    fifo,
    [
      'INSTANCE "exchange" BACKUP 150',
      'INSTANCE "exchange" MASTER 150',
      'INSTANCE "exchange" MASTER_RX_LOWER_PRI 150',
      'INSTANCE "exchange" FAULT 150',
      "",
    ].join("\n"),
  );
  expect((await running).code).toBe(0);
  expect(events()).toEqual([
    "BACKUP released",
    "MASTER claimed",
    "MASTER_RX_LOWER_PRI claimed",
    "FAULT released",
  ]);
});

test("reclaim (after a new VIP list): a master claims every VIP again; a backup or a node without state claims nothing", async () => {
  setUp({ placement: "secondary-ip", nodeAddress: node, vips: ["10.0.1.10", "10.0.1.11"] });
  expect((await script("reclaim")).code).toBe(0);
  writeFileSync(join(dir, "run", "state"), "BACKUP\n");
  expect((await script("reclaim")).code).toBe(0);
  expect(calls("aws")).toEqual([]);
  expect(existsSync(join(dir, "run", "events.log"))).toBe(false);

  writeFileSync(join(dir, "run", "state"), "MASTER\n");
  expect((await script("reclaim")).code).toBe(0);
  expect(calls("aws")).toEqual([
    "aws ec2 assign-private-ip-addresses --region eu-west-2 --network-interface-id eni-0aaa --allow-reassignment --private-ip-addresses 10.0.1.10 10.0.1.11",
  ]);
  expect(events()).toEqual(["RECLAIM claimed"]);
  expect(readFileSync(join(dir, "run", "state"), "utf8")).toBe("MASTER\n");
});

test("reclaim and keepalived's events take turns: a BACKUP that lands during a reclaim releases after it", async () => {
  setUp({ placement: "secondary-ip", nodeAddress: node, vips: ["10.0.1.10"] });
  writeFileSync(join(dir, "run", "state"), "MASTER\n");
  // A slow API call keeps the reclaim busy while keepalived demotes the node.
  fake("aws", "sleep 1\n");
  const reclaim = script("reclaim");
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect((await script("event", "BACKUP")).code).toBe(0);
  expect((await reclaim).code).toBe(0);
  expect(events()).toEqual(["RECLAIM claimed", "BACKUP released"]);
  // The last word on the address is the release: the backup does not keep the VIP.
  expect(calls("ip").filter((c) => !c.includes("show"))).toEqual([
    "ip address replace 10.0.1.10/32 dev eth9",
    "ip address del 10.0.1.10/32 dev eth9",
  ]);
  expect(readFileSync(join(dir, "run", "state"), "utf8")).toBe("BACKUP\n");
});

test("check: succeeds while the HAProxy pid runs, fails when the pid file is gone or stale", async () => {
  setUp({ placement: "local-only", nodeAddress: node, vips: [] });
  writeFileSync(join(dir, "haproxy.pid"), `${process.pid}\n`);
  expect((await script("check")).code).toBe(0);
  writeFileSync(join(dir, "haproxy.pid"), "999999999\n");
  expect((await script("check")).code).toBe(1);
  rmSync(join(dir, "haproxy.pid"));
  expect((await script("check")).code).toBe(1);
});

test("prestart: waits for the unicast source address, then names its interface for keepalived", async () => {
  setUp({ placement: "local-only", nodeAddress: node, vips: [] });
  // The address appears on the third look, after two one-second waits.
  fake(
    "ip",
    `n=$(cat "${dir}/looks" 2>/dev/null || echo 0); echo $((n + 1)) > "${dir}/looks"\n` +
      `[ "$n" -ge 2 ] && echo "2: ens5    inet ${node}/24 scope global ens5"\nexit 0\n`,
  );
  expect((await script("prestart")).code).toBe(0);
  expect(readFileSync(join(dir, "run", "keepalived-interface.conf"), "utf8")).toBe(
    "$INTERFACE=ens5\n",
  );
  expect(events()).toEqual(["PRESTART waited-2"]);
});

test("prestart: gives up with an error when the address never comes", async () => {
  setUp({ placement: "local-only", nodeAddress: node, vips: [] });
  fake("ip", "exit 0\n");
  const result = await script("prestart");
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`no interface holds ${node} after 2 s`);
});

test("the script passes shellcheck as POSIX sh", () => {
  writeFileSync(join(dir, "failover.sh"), FAILOVER_SCRIPT_TEXT);
  const result = spawnSync("shellcheck", ["-s", "sh", join(dir, "failover.sh")], {
    encoding: "utf8",
  });
  expect(result.error).toBeUndefined();
  expect(result.stdout).toBe("");
  expect(result.status).toBe(0);
});

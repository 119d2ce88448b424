/**
 * The failover program run for real by /bin/sh, installed under a temporary
 * root with the settings a pair node's user-data gives it, against a fake
 * `aws`, `ip` and `arping` on PATH that record their arguments, and the lab's
 * IMDSv2 stand-in, which refuses requests without a session token, on the
 * metadata address in a network namespace of the program's own: the calls
 * each VIP placement makes.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { renderVipList } from "../../lib/delivery/vip-list";
import { baseInstancePart } from "../../lib/instance/base";
import { PATHS } from "../../lib/instance/paths";
import { PRESTART_WAIT_SECONDS, pairNodePart } from "../../lib/pair/boot";
import { pairNodes } from "../../lib/pair/pair-node";
import { VipPlacement } from "../../lib/pair/vip-placement";
import { InstanceRoot, NODE_METADATA } from "../support/instance-root";

/** This node, the pair's preferred master, as the IMDSv2 stand-in describes it. */
const METADATA = NODE_METADATA;

let root: InstanceRoot;

/** What a test started that must end even when an assertion throws: jest waits for it otherwise. */
const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (root) killRetryLoop();
  root?.remove();
});

interface Node {
  readonly placement: VipPlacement;
  readonly vips: readonly string[];
  /** Settings changed by hand after boot. */
  readonly edited?: Readonly<Record<string, string>>;
}

/**
 * The preferred node of a pair at 10.0.1.5, installed as its user-data would:
 * the settings its base and pair parts give it (the start-up wait cut to 2 s),
 * the functions, the failover program and the VIP list. `aws` fails while
 * `awsFailures` remain.
 */
function setUp(given: Node, options: { awsFailures?: number } = {}): void {
  root = new InstanceRoot();
  const [pairNode] = pairNodes([
    { subnetId: "subnet-a", address: node },
    { subnetId: "subnet-a", address: "10.0.1.6" },
  ]);
  const pair = pairNodePart(
    {
      nodes: [pairNode, pairNode],
      placement: given.placement,
      virtualRouterId: 51,
      // The load balancer's vipAddress, for an Elastic IP pair.
      elasticIpAddress: given.placement.kind === "elastic-ip" ? "203.0.113.10" : undefined,
    },
    pairNode,
  );
  root.install([
    baseInstancePart({ maxconn: 100, localPeer: pairNode.peerName }),
    { files: [{ path: PATHS.VIPS_FILE, permissions: "0644", content: renderVipList(given.vips) }] },
    {
      ...pair,
      settings: {
        ...pair.settings!,
        values: { ...pair.settings!.values, PRESTART_WAIT: "2", ...given.edited },
      },
    },
  ]);
  root.write("aws-failures", String(options.awsFailures ?? 0));
  // As EC2 answers while the role's policy is not visible yet, through the CLI (254: an error from the service).
  root.fake(
    "aws",
    `left=$(cat "${root.dir}/aws-failures"); if [ "$left" -gt 0 ]; then echo $((left - 1)) > "${root.dir}/aws-failures"; ` +
      `echo 'An error occurred (UnauthorizedOperation) when calling the ${"$"}{2} operation: You are not authorized to perform this operation.' >&2; exit 254; fi\n`,
  );
  // `ip -4 -o address show to A/32` answers with the interface holding the node address,
  // and each VIP as held on eth9 as /32.
  root.fake(
    "ip",
    `case "$*" in *"show to ${node}/32"*) echo "2: eth9    inet ${node}/24 brd x scope global eth9";;\n` +
      `*"show to "*) echo "2: eth9    inet $6 scope global eth9";; esac\n`,
  );
  root.fake("arping");
}

/** The failover program, with the instance's metadata at the real IMDS address. */
function script(...args: string[]) {
  return root.run(PATHS.FAILOVER_PROGRAM, args, { metadata: METADATA });
}

const calls = (command?: string) => root.calls(command);

function events(): string[] {
  return root
    .read(PATHS.FAILOVER_EVENTS)
    .trim()
    .split("\n")
    .map((line) => line.split(" ").slice(1).join(" "));
}

const secondaryIp = VipPlacement.secondaryIp();

const node = "10.0.1.5";

test("secondary IP: MASTER reassigns every VIP to this node's interface, then adds them locally", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10", "10.0.1.11"] });
  expect((await script("event", "MASTER")).code).toBe(0);
  expect(calls("aws")).toEqual([
    "aws ec2 assign-private-ip-addresses --region eu-west-2 --network-interface-id eni-0aaa --allow-reassignment --private-ip-addresses 10.0.1.10 10.0.1.11",
  ]);
  expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([
    "ip address replace 10.0.1.10/32 dev eth9",
    "ip address replace 10.0.1.11/32 dev eth9",
  ]);
  // Every VIP's gratuitous ARP together, once both addresses are up.
  expect(calls("arping").sort()).toEqual([
    "arping -q -U -c 2 -w 2 -I eth9 10.0.1.10",
    "arping -q -U -c 2 -w 2 -I eth9 10.0.1.11",
  ]);
  expect(events()).toEqual(["MASTER claimed"]);
  expect(root.read(PATHS.FAILOVER_STATE)).toBe("MASTER\n");
});

test("route table: MASTER repoints each VIP's /32 in each route table at this node's interface", async () => {
  setUp({
    placement: VipPlacement.routeTable({ routeTableIds: ["rtb-0a", "rtb-0b"] }),
    vips: ["100.64.10.10"],
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
  setUp({ placement: VipPlacement.elasticIp({ allocationId: "eipalloc-0e" }), vips: [] });
  expect((await script("event", "MASTER_RX_LOWER_PRI")).code).toBe(0);
  expect(calls("aws")).toEqual([
    "aws ec2 associate-address --region eu-west-2 --allocation-id eipalloc-0e --network-interface-id eni-0aaa --private-ip-address 10.0.1.5 --allow-reassociation",
  ]);
  expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([]);
  expect(events()).toEqual(["MASTER_RX_LOWER_PRI claimed"]);
});

test("an unknown placement claims nothing and reports the claim as failed", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"], edited: { PLACEMENT: "moved-by-hand" } });
  const result = await script("event", "MASTER");
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("unknown PLACEMENT moved-by-hand");
  expect(calls("aws")).toEqual([]);
  expect(events()).toEqual(["MASTER claim-failed"]);
});

test.each(["BACKUP", "FAULT", "STOP"])(
  "%s removes the VIPs locally and makes no AWS call (the new master reassigns)",
  async (state) => {
    setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
    expect((await script("event", state)).code).toBe(0);
    expect(calls("aws")).toEqual([]);
    expect(calls("ip").filter((c) => c.includes(" del "))).toEqual([
      "ip address del 10.0.1.10/32 dev eth9",
    ]);
    expect(events()).toEqual([`${state} released`]);
  },
);

test("BACKUP removes a VIP with every prefix it is held with, the /24 cloud-init put in at first boot too", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
  root.fake(
    "ip",
    `case "$*" in *"show to ${node}/32"*) echo "2: eth9    inet ${node}/24 brd x scope global eth9";;\n` +
      `*"show to 10.0.1.10/32"*) echo "2: eth9    inet 10.0.1.10/32 scope global eth9"; echo "2: eth9    inet 10.0.1.10/24 brd 10.0.1.255 scope global secondary eth9";; esac\n`,
  );
  expect((await script("event", "BACKUP")).code).toBe(0);
  expect(calls("ip").filter((c) => c.includes(" del "))).toEqual([
    "ip address del 10.0.1.10/32 dev eth9",
    "ip address del 10.0.1.10/24 dev eth9",
  ]);
});

test("a throttled AWS call is retried; three failures report claim-failed and exit non-zero", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] }, { awsFailures: 2 });
  expect((await script("event", "MASTER")).code).toBe(0);
  expect(calls("aws")).toHaveLength(3);
  expect(events()).toEqual(["MASTER claimed"]);

  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] }, { awsFailures: 9 });
  const failed = await script("event", "MASTER");
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain("failed 3 times: aws ec2 assign-private-ip-addresses");
  // EC2's words, logged: keepalived discards the program's own output.
  expect(failed.stderr).toContain(
    "--private-ip-addresses 10.0.1.10: An error occurred (UnauthorizedOperation) when calling the",
  );
  expect(events().at(-1)).toBe("MASTER claim-failed");
});

test("no IMDSv2 token, no identity: the claim fails without an AWS call", async () => {
  // Nothing answers on the metadata address.
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
  const result = await root.run(PATHS.FAILOVER_PROGRAM, ["event", "MASTER"], { metadata: "none" });
  expect(result.code).toBe(1);
  expect(calls("aws")).toEqual([]);
});

test("fifo: keepalived's events are handled in the order written", async () => {
  setUp({ placement: secondaryIp, vips: ["192.168.30.10"] });
  const handler = await fifoHandler();
  handler.send("BACKUP", "MASTER", "MASTER_RX_LOWER_PRI", "FAULT");
  expect((await handler.close()).code).toBe(0);
  expect(events()).toEqual([
    "BACKUP released",
    "MASTER claimed",
    "MASTER_RX_LOWER_PRI claimed",
    "FAULT released",
  ]);
});

test("fifo: an event after a rollout delivered a new VIP list claims the new list", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
  // keepalived keeps the FIFO open for its whole life: the handler outlives rollouts.
  const handler = await fifoHandler();
  handler.send("MASTER");
  await waitFor(() => root.exists(PATHS.FAILOVER_EVENTS) && events().length === 1);
  root.write(PATHS.VIPS_FILE, "10.0.1.10\n10.0.1.11\n");
  handler.send("BACKUP", "MASTER");
  expect((await handler.close()).code).toBe(0);
  expect(events()).toEqual(["MASTER claimed", "BACKUP released", "MASTER claimed"]);
  expect(calls("aws").at(-1)).toContain("--private-ip-addresses 10.0.1.10 10.0.1.11");
  expect(calls("ip").filter((c) => c.includes(" del "))).toEqual([
    "ip address del 10.0.1.10/32 dev eth9",
    "ip address del 10.0.1.11/32 dev eth9",
  ]);
});

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!predicate()) throw new Error("timed out");
}

test("reclaim (after a new VIP list): a master claims every VIP again; a backup or a node without state claims nothing", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10", "10.0.1.11"] });
  expect((await script("reclaim")).code).toBe(0);
  root.write(PATHS.FAILOVER_STATE, "BACKUP\n");
  expect((await script("reclaim")).code).toBe(0);
  expect(calls("aws")).toEqual([]);
  expect(root.exists(PATHS.FAILOVER_EVENTS)).toBe(false);

  root.write(PATHS.FAILOVER_STATE, "MASTER\n");
  expect((await script("reclaim")).code).toBe(0);
  expect(calls("aws")).toEqual([
    "aws ec2 assign-private-ip-addresses --region eu-west-2 --network-interface-id eni-0aaa --allow-reassignment --private-ip-addresses 10.0.1.10 10.0.1.11",
  ]);
  expect(events()).toEqual(["RECLAIM claimed"]);
  expect(root.read(PATHS.FAILOVER_STATE)).toBe("MASTER\n");
});

test("keepalived's start timeout outlasts prestart's wait for the unicast source (systemd's default 90 s would not)", () => {
  setUp({ placement: secondaryIp, vips: [] });
  const timeout = /^TimeoutStartSec=(\d+)$/m.exec(root.read(PATHS.KEEPALIVED_DROP_IN))?.[1];
  expect(Number(timeout)).toBeGreaterThan(PRESTART_WAIT_SECONDS + 10);
});

test("keepalived stopped on a master: its unit's ExecStopPost releases the VIPs, and a rollout's reclaim then claims nothing", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
  root.write(PATHS.FAILOVER_STATE, "MASTER\n");
  // The command as the installed drop-in names it (keepalived's notify handler dies with it).
  const line = root.read(PATHS.KEEPALIVED_DROP_IN).match(/^ExecStopPost=(\S+) (.*)$/m);
  expect(line?.[1]).toBe(PATHS.FAILOVER_PROGRAM);
  expect((await root.run(line![1], line![2].split(" "), { metadata: METADATA })).code).toBe(0);
  expect(calls("ip").filter((c) => c.includes(" del "))).toEqual([
    "ip address del 10.0.1.10/32 dev eth9",
  ]);
  expect((await script("reclaim")).code).toBe(0);
  expect(calls("aws")).toEqual([]);
  expect(events()).toEqual(["STOP released"]);
});

test("reclaim and keepalived's events take turns: a BACKUP that lands during a reclaim releases after it", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
  root.write(PATHS.FAILOVER_STATE, "MASTER\n");
  // A slow API call keeps the reclaim busy while keepalived demotes the node.
  root.fake("aws", "sleep 1\n");
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
  expect(root.read(PATHS.FAILOVER_STATE)).toBe("BACKUP\n");
});

test("check: succeeds while the HAProxy pid runs, fails when the pid file is gone or stale", async () => {
  setUp({ placement: secondaryIp, vips: [] });
  root.write(PATHS.HAPROXY_PIDFILE, `${process.pid}\n`);
  expect((await script("check")).code).toBe(0);
  root.write(PATHS.HAPROXY_PIDFILE, "999999999\n");
  expect((await script("check")).code).toBe(1);
  rmSync(root.path(PATHS.HAPROXY_PIDFILE));
  expect((await script("check")).code).toBe(1);
});

test("check: a HAProxy that died but is not reaped yet (a zombie) is dead", async () => {
  setUp({ placement: secondaryIp, vips: [] });
  // `true` exits; its parent becomes `sleep`, which never reaps it.
  const parent = spawn("sh", ["-c", "true & echo $!; exec sleep 30"]);
  const zombie = await new Promise<string>((resolve) =>
    parent.stdout.once("data", (chunk) => resolve(chunk.toString().trim())),
  );
  const state = () => /^State:\s+(\S)/m.exec(readFileSync(`/proc/${zombie}/status`, "utf8"))?.[1];
  try {
    for (let i = 0; i < 100 && state() !== "Z"; i++) await new Promise((r) => setTimeout(r, 50));
    expect(state()).toBe("Z");
    root.write(PATHS.HAPROXY_PIDFILE, `${zombie}\n`);
    expect((await script("check")).code).toBe(1);
  } finally {
    parent.kill();
  }
});

test("prestart: waits for the unicast source address, then names its interface for keepalived", async () => {
  setUp({ placement: secondaryIp, vips: [] });
  // The address appears on the third look, after two one-second waits.
  root.fake(
    "ip",
    `n=$(cat "${root.dir}/looks" 2>/dev/null || echo 0); echo $((n + 1)) > "${root.dir}/looks"\n` +
      `[ "$n" -ge 2 ] && echo "2: ens5    inet ${node}/24 scope global ens5"\nexit 0\n`,
  );
  expect((await script("prestart")).code).toBe(0);
  expect(root.read(PATHS.KEEPALIVED_INTERFACE)).toBe("$INTERFACE=ens5\n");
  expect(events()).toEqual(["PRESTART waited-2"]);
});

test("prestart: gives up with an error when the address never comes", async () => {
  setUp({ placement: secondaryIp, vips: [] });
  root.fake("ip", "exit 0\n");
  const result = await script("prestart");
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`no interface holds ${node} after 2 s`);
});

/**
 * A stand-in for EC2's route tables, holding `<table> <cidr>` a line: `replace-route`
 * refuses a route that does not exist and `create-route` one that does, with the AWS
 * CLI's words and exit status (254: the service answered with an error). EC2 answers a
 * missing route with InvalidParameterValue, not the InvalidRoute.NotFound of DeleteRoute
 * (checked against AWS in getmoto/moto#6425; the same words in hashicorp/terraform's issues).
 */
function fakeRouteTables(routes: readonly string[]): void {
  root.write("routes", routes.map((route) => `${route}\n`).join(""));
  const error = (code: string, operation: string, message: string) =>
    `printf '\\nAn error occurred (${code}) when calling the ${operation} operation: ${message}\\n' "$dest" >&2; exit 254`;
  root.fake(
    "aws",
    [
      "op=$2",
      'while [ $# -gt 0 ]; do case "$1" in --route-table-id) table=$2;; --destination-cidr-block) dest=$2;; esac; shift; done',
      `if grep -qx "$table $dest" "${root.dir}/routes"; then exists=1; else exists=0; fi`,
      'case "$op" in',
      `  replace-route) [ $exists = 1 ] || { ${error("InvalidParameterValue", "ReplaceRoute", "There is no route defined for '%s' in the route table. Use CreateRoute instead.")}; };;`,
      `  create-route) [ $exists = 0 ] || { ${error("RouteAlreadyExists", "CreateRoute", "The route identified by %s already exists.")}; }; echo "$table $dest" >> "${root.dir}/routes"; echo '{ "Return": true }';;`,
      "esac",
      "",
    ].join("\n"),
  );
}

test("route table: a VIP route that does not exist is created, the others replaced", async () => {
  setUp({
    placement: VipPlacement.routeTable({ routeTableIds: ["rtb-0a", "rtb-0b"] }),
    vips: ["100.64.10.10"],
  });
  fakeRouteTables(["rtb-0a 100.64.10.10/32"]);
  const result = await script("event", "MASTER");
  expect(result.code).toBe(0);
  expect(calls("aws")).toEqual([
    "aws ec2 replace-route --region eu-west-2 --route-table-id rtb-0a --destination-cidr-block 100.64.10.10/32 --network-interface-id eni-0aaa",
    "aws ec2 replace-route --region eu-west-2 --route-table-id rtb-0b --destination-cidr-block 100.64.10.10/32 --network-interface-id eni-0aaa",
    "aws ec2 create-route --region eu-west-2 --route-table-id rtb-0b --destination-cidr-block 100.64.10.10/32 --network-interface-id eni-0aaa",
  ]);
  expect(result.stderr).toContain("no route to 100.64.10.10/32 in rtb-0b: creating it");
  expect(root.read("routes")).toBe("rtb-0a 100.64.10.10/32\nrtb-0b 100.64.10.10/32\n");
  expect(events()).toEqual(["MASTER claimed"]);
});

test.each([
  "An error occurred (UnauthorizedOperation) when calling the ReplaceRoute operation: You are not authorized to perform this operation.",
  "An error occurred (InvalidParameterValue) when calling the ReplaceRoute operation: Route target is not supported.",
])(
  "route table: a refusal other than a missing route creates nothing and fails the claim: %s",
  async (refusal) => {
    setUp({
      placement: VipPlacement.routeTable({ routeTableIds: ["rtb-0a"] }),
      vips: ["100.64.10.10"],
      edited: { CLAIM_RETRY_FIRST: "30" },
    });
    root.fake("aws", `echo '${refusal}' >&2; exit 254\n`);
    const result = await script("event", "MASTER");
    expect(result.code).toBe(1);
    expect(calls("aws").filter((c) => c.includes("create-route"))).toEqual([]);
    expect(result.stderr).toContain(refusal);
    expect(events()).toEqual(["MASTER claim-failed"]);
  },
);

/** Ends a claim retry loop a test left running. */
function killRetryLoop(): void {
  if (!root.exists(PATHS.FAILOVER_RETRY_PID)) return;
  const pid = Number(root.read(PATHS.FAILOVER_RETRY_PID));
  // Its sleep first: killed alone, the loop would leave it running for up to a minute.
  spawnSync("pkill", ["-KILL", "-P", String(pid)]);
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * keepalived's FIFO with the failover program reading it; `send` writes event lines.
 * The writer and the handler end after the test whatever happened: the writer is
 * killed (the handler then reads the end of the FIFO and exits), and the handler is
 * awaited, or killed by the run's timeout.
 */
async function fifoHandler() {
  const fifo = root.path(PATHS.VRRP_FIFO);
  mkdirSync(dirname(fifo), { recursive: true });
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const running = root.run(PATHS.FAILOVER_PROGRAM, ["fifo", fifo], {
    metadata: METADATA,
    timeout: 30_000,
  });
  const writer = spawn("sh", ["-c", `exec 3>"${fifo}"; cat >&3`]);
  const close = async () => {
    writer.stdin.end();
    return running;
  };
  cleanups.push(async () => {
    writer.stdin.destroy();
    writer.kill("SIGKILL");
    // A handler still waiting to open the FIFO (the writer died first) gets a writer and its end.
    spawnSync("sh", ["-c", `exec 3<>"${fifo}"`], { timeout: 1000 });
    await running;
  });
  return {
    send: (...states: string[]) =>
      writer.stdin.write(states.map((s) => `INSTANCE "exchange" ${s} 254\n`).join("")),
    close,
  };
}

/**
 * A syslog that takes a second over an attempt's outcome: the loop's pid file must be gone
 * by the time its last event is written, not only after the log line that follows it.
 */
function slowLogAfterAttempt(): void {
  root.fake("logger", 'case "$*" in *"claim attempt"*) sleep 1;; esac\n');
}

const RETRY_SOON = { CLAIM_RETRY_FIRST: "1", CLAIM_RETRY_MAX: "1" };

test("a failed claim (the role's policy not visible yet) is tried again in the background until it succeeds, each attempt logged", async () => {
  // Three quick tries of the MASTER event and two of the first retry fail: then the role works.
  setUp(
    { placement: secondaryIp, vips: ["10.0.1.10"], edited: { ...RETRY_SOON, CLAIM_ATTEMPTS: "5" } },
    { awsFailures: 5 },
  );
  slowLogAfterAttempt();
  const handler = await fifoHandler();
  handler.send("MASTER");
  await waitFor(() => root.exists(PATHS.FAILOVER_EVENTS) && events().length === 2);
  expect(events()).toEqual(["MASTER claim-failed", "RETRY-1 claimed"]);
  expect(calls("aws")).toHaveLength(6);
  expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([
    "ip address replace 10.0.1.10/32 dev eth9",
    "ip address replace 10.0.1.10/32 dev eth9",
  ]);
  expect(root.exists(PATHS.FAILOVER_RETRY_PID)).toBe(false);
  expect((await handler.close()).code).toBe(0);
});

test("a claim that keeps failing is tried a bounded number of times, then given up", async () => {
  setUp(
    { placement: secondaryIp, vips: ["10.0.1.10"], edited: { ...RETRY_SOON, CLAIM_ATTEMPTS: "2" } },
    { awsFailures: 99 },
  );
  slowLogAfterAttempt();
  const handler = await fifoHandler();
  handler.send("MASTER");
  await waitFor(() => root.exists(PATHS.FAILOVER_EVENTS) && events().length === 3);
  expect(root.exists(PATHS.FAILOVER_RETRY_PID)).toBe(false);
  expect(events()).toEqual(["MASTER claim-failed", "RETRY-1 claim-failed", "RETRY-2 gave-up"]);
  expect(calls("aws")).toHaveLength(9);
  await new Promise((r) => setTimeout(r, 1500));
  expect(calls("aws")).toHaveLength(9);
  expect(root.exists(PATHS.FAILOVER_RETRY_PID)).toBe(false);
  expect((await handler.close()).code).toBe(0);
});

test("retrying stops when the node stops being master, and one loop serves repeated failures", async () => {
  setUp(
    { placement: secondaryIp, vips: ["10.0.1.10"], edited: { CLAIM_RETRY_FIRST: "3" } },
    { awsFailures: 99 },
  );
  const handler = await fifoHandler();
  handler.send("MASTER", "MASTER_RX_LOWER_PRI", "BACKUP");
  await waitFor(() => root.exists(PATHS.FAILOVER_EVENTS) && events().length === 4);
  expect(events()).toEqual([
    "MASTER claim-failed",
    "MASTER_RX_LOWER_PRI claim-failed",
    "BACKUP released",
    "RETRY-1 not-master",
  ]);
  expect(calls("aws")).toHaveLength(6);
  expect(root.exists(PATHS.FAILOVER_RETRY_PID)).toBe(false);
  expect((await handler.close()).code).toBe(0);
});

test("a claim given up leaves a marker that fails the check (keepalived goes FAULT, the peer claims); BACKUP and FAULT keep it, a successful claim clears it", async () => {
  setUp(
    { placement: secondaryIp, vips: ["10.0.1.10"], edited: { ...RETRY_SOON, CLAIM_ATTEMPTS: "1" } },
    { awsFailures: 99 },
  );
  root.write(PATHS.HAPROXY_PIDFILE, `${process.pid}\n`);
  const handler = await fifoHandler();
  handler.send("MASTER");
  await waitFor(() => root.exists(PATHS.FAILOVER_EVENTS) && events().length === 2);
  expect(events()).toEqual(["MASTER claim-failed", "RETRY-1 gave-up"]);
  expect(root.exists(PATHS.FAILOVER_CLAIM_FAILED)).toBe(true);
  const check = await script("check");
  expect(check.code).toBe(1);
  expect(check.stderr).toContain("a claim was given up");

  // keepalived's FAULT (and a BACKUP after it) release the VIPs but keep the node out.
  handler.send("FAULT", "BACKUP");
  expect((await handler.close()).code).toBe(0);
  expect(events().slice(2)).toEqual(["FAULT released", "BACKUP released"]);
  expect((await script("check")).code).toBe(1);

  // Elected again with a working role: the claim succeeds and the check passes.
  root.write("aws-failures", "0");
  expect((await script("event", "MASTER")).code).toBe(0);
  expect(root.exists(PATHS.FAILOVER_CLAIM_FAILED)).toBe(false);
  expect((await script("check")).code).toBe(0);
});

test("prestart: a restarted keepalived (the operator fixed the role) starts without the given-up marker", async () => {
  setUp({ placement: secondaryIp, vips: [] });
  root.write(PATHS.FAILOVER_CLAIM_FAILED, "1\n");
  root.fake("ip", `echo "2: ens5    inet ${node}/24 scope global ens5"\n`);
  expect((await script("prestart")).code).toBe(0);
  expect(root.exists(PATHS.FAILOVER_CLAIM_FAILED)).toBe(false);
});

test("reclaim: a failed claim fails the reclaim (and so the rollout) and is retried in the background", async () => {
  setUp(
    { placement: secondaryIp, vips: ["10.0.1.10"], edited: { CLAIM_RETRY_FIRST: "30" } },
    { awsFailures: 99 },
  );
  root.write(PATHS.FAILOVER_STATE, "MASTER\n");
  expect((await script("reclaim")).code).toBe(1);
  expect(events()).toEqual(["RECLAIM claim-failed"]);
  const pid = Number(root.read(PATHS.FAILOVER_RETRY_PID));
  expect(() => process.kill(pid, 0)).not.toThrow();
});

describe("check on the master: a VIP the interface lost (systemd-networkd restarted) is put back", () => {
  /** `ip address show dev` lists the node address and the VIPs in `held`. */
  function holding(vips: readonly string[]): void {
    root.write("held", vips.join("\n") + "\n");
    root.fake(
      "ip",
      [
        'case "$*" in',
        `  *"show to"*) echo "2: eth9    inet ${node}/24 brd x scope global eth9";;`,
        `  *"show dev eth9"*) echo "2: eth9    inet ${node}/24 brd x scope global eth9"; while read -r v; do [ -z "$v" ] || echo "2: eth9    inet $v/32 scope global eth9"; done < "${root.dir}/held";;`,
        "esac",
        "",
      ].join("\n"),
    );
    root.write(PATHS.HAPROXY_PIDFILE, `${process.pid}\n`);
  }

  test("master: the missing VIP is added back, the present one left alone", async () => {
    setUp({ placement: secondaryIp, vips: ["10.0.1.10", "10.0.1.11"] });
    holding(["10.0.1.10"]);
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    const result = await script("check");
    expect(result.code).toBe(0);
    expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([
      "ip address replace 10.0.1.11/32 dev eth9",
    ]);
    expect(result.stderr).toContain("10.0.1.11 was missing from eth9: put back");
    expect(events()).toEqual(["CHECK restored-10.0.1.11"]);
  });

  test("backup, or a claim under way (the lock held): nothing is added; the check still answers for HAProxy", async () => {
    setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
    holding([]);
    root.write(PATHS.FAILOVER_STATE, "BACKUP\n");
    expect((await script("check")).code).toBe(0);
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    const lock = root.path(PATHS.FAILOVER_LOCK);
    const holder = spawn("flock", [lock, "sleep", "30"], { stdio: "ignore", detached: true });
    cleanups.push(() => void process.kill(-holder.pid!, "SIGKILL")); // flock and its sleep
    // Held once a non-blocking flock fails (a loaded machine may take a while to start it).
    for (let i = 0; i < 100 && spawnSync("flock", ["-n", lock, "true"]).status === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(spawnSync("flock", ["-n", lock, "true"]).status).toBe(1);
    expect((await script("check")).code).toBe(0);
    expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([]);
  });
});

test("prestart: a drop-in for netplan's .network file of the interface keeps the VIPs when networkd restarts", async () => {
  setUp({ placement: secondaryIp, vips: [] });
  root.fake("ip", `echo "2: ens5    inet ${node}/24 scope global ens5"\n`);
  expect((await script("prestart")).code).toBe(0);
  expect(
    root.read("/etc/systemd/network/10-netplan-ens5.network.d/networkd-keep-vips.conf"),
  ).toContain("[Network]\nKeepConfiguration=static\n");
});

test("prestart: a restarting keepalived starts from no state, so the check puts back nothing before keepalived elects this node", async () => {
  setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
  // Left by the keepalived that ran before (a restart keeps /run; the lab's node reboot too).
  root.write(PATHS.FAILOVER_STATE, "MASTER\n");
  root.write(PATHS.HAPROXY_PIDFILE, `${process.pid}\n`);
  root.fake(
    "ip",
    `case "$*" in *"show to"*|*"show dev"*) echo "2: eth9    inet ${node}/24 scope global eth9";; esac\n`,
  );
  expect((await script("prestart")).code).toBe(0);
  expect((await script("check")).code).toBe(0);
  expect(calls("ip").filter((c) => c.includes("replace"))).toEqual([]);
  expect(root.exists(PATHS.FAILOVER_STATE)).toBe(false);
});

describe("verify on the master: a VIP EC2 gave to the other node (a split that ended with the peer's claim last) is claimed again", () => {
  /** IMDS lists these private addresses for the node's interface. */
  const verify = (localIpv4s: readonly string[]) =>
    root.run(PATHS.FAILOVER_PROGRAM, ["verify"], {
      metadata: { ...METADATA, localIpv4s: [node, ...localIpv4s] },
    });

  test("a VIP missing at EC2 at two verifies in a row is claimed again; one missing once is not (IMDS may lag a claim)", async () => {
    setUp({ placement: secondaryIp, vips: ["10.0.1.10", "10.0.1.11"] });
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    expect((await verify(["10.0.1.10"])).code).toBe(0);
    expect(calls("aws")).toEqual([]);
    expect((await verify(["10.0.1.10", "10.0.1.11"])).code).toBe(0);
    expect((await verify(["10.0.1.10"])).code).toBe(0);
    expect(calls("aws")).toEqual([]);
    const second = await verify(["10.0.1.10"]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      "EC2 gives 10.0.1.11 to another interface while this node is master: claiming again",
    );
    expect(calls("aws")).toEqual([
      "aws ec2 assign-private-ip-addresses --region eu-west-2 --network-interface-id eni-0aaa --allow-reassignment --private-ip-addresses 10.0.1.10 10.0.1.11",
    ]);
    expect(events()).toEqual(["VERIFY claimed"]);
    // The next comparison starts afresh.
    expect((await verify(["10.0.1.10"])).code).toBe(0);
    expect(calls("aws")).toHaveLength(1);
  });

  test("every VIP held at EC2, a backup, or a route-table pair: no claim", async () => {
    setUp({ placement: secondaryIp, vips: ["10.0.1.10"] });
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    for (let i = 0; i < 2; i++) expect((await verify(["10.0.1.10"])).code).toBe(0);
    root.write(PATHS.FAILOVER_STATE, "BACKUP\n");
    for (let i = 0; i < 2; i++) expect((await verify([])).code).toBe(0);
    expect(calls("aws")).toEqual([]);
    root.remove();
    setUp({
      placement: VipPlacement.routeTable({ routeTableIds: ["rtb-0a"] }),
      vips: ["100.64.10.10"],
    });
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    for (let i = 0; i < 2; i++) expect((await verify([])).code).toBe(0);
    expect(calls("aws")).toEqual([]);
  });

  test("Elastic IP: associated elsewhere at two verifies in a row, it is associated with this node again", async () => {
    setUp({ placement: VipPlacement.elasticIp({ allocationId: "eipalloc-0e" }), vips: [] });
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    const verifyEip = (associations?: Record<string, string>) =>
      root.run(PATHS.FAILOVER_PROGRAM, ["verify"], {
        metadata: { ...METADATA, ipv4Associations: associations },
      });
    for (let i = 0; i < 2; i++) {
      expect((await verifyEip({ "203.0.113.10": node })).code).toBe(0);
    }
    expect(calls("aws")).toEqual([]);
    // Associated with the other node: IMDS lists nothing for this interface (404).
    for (let i = 0; i < 2; i++) expect((await verifyEip()).code).toBe(0);
    expect(calls("aws")).toEqual([
      "aws ec2 associate-address --region eu-west-2 --allocation-id eipalloc-0e --network-interface-id eni-0aaa --private-ip-address 10.0.1.5 --allow-reassociation",
    ]);
    expect(events()).toEqual(["VERIFY claimed"]);
  });

  test("a claim that fails is retried in the background, as after an election", async () => {
    setUp(
      { placement: secondaryIp, vips: ["10.0.1.10"], edited: { CLAIM_RETRY_FIRST: "30" } },
      { awsFailures: 99 },
    );
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    for (let i = 0; i < 2; i++) expect((await verify([])).code).toBe(0);
    expect(events()).toEqual(["VERIFY claim-failed"]);
    const pid = Number(root.read(PATHS.FAILOVER_RETRY_PID));
    expect(() => process.kill(pid, 0)).not.toThrow();
  });

  test("the check starts a verify on the master at most once per interval, in the background", async () => {
    setUp({ placement: secondaryIp, vips: ["10.0.1.10"], edited: { VERIFY_INTERVAL: "60" } });
    root.fake("setsid");
    root.write(PATHS.HAPROXY_PIDFILE, `${process.pid}\n`);
    root.fake(
      "ip",
      `case "$*" in *"show to"*) echo "2: eth9    inet ${node}/24 scope global eth9";; *"show dev"*) echo "2: eth9    inet ${node}/24 scope global eth9"; echo "2: eth9    inet 10.0.1.10/32 scope global eth9";; esac\n`,
    );
    expect((await script("check")).code).toBe(0);
    expect(root.exists(PATHS.FAILOVER_VERIFIED)).toBe(false);
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    expect((await script("check")).code).toBe(0);
    const started = root.read(PATHS.FAILOVER_VERIFIED);
    // setsid runs in the background (`&`): the check may exit before it records its call.
    const backgroundCalls = async (wanted: number, tries = 50) => {
      for (let i = 0; i < tries && calls("setsid").length < wanted; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return calls("setsid");
    };
    expect(await backgroundCalls(1)).toEqual([
      `setsid ${root.path(PATHS.FAILOVER_PROGRAM)} verify`,
    ]);
    expect((await script("check")).code).toBe(0);
    // Time for a second background start to show, were there one.
    expect(await backgroundCalls(2, 10)).toHaveLength(1);
    expect(root.read(PATHS.FAILOVER_VERIFIED)).toBe(started);
  });
});

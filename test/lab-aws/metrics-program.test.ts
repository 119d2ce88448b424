/**
 * The metrics program run for real: each release's HAProxy running the synthesized
 * haproxy.cfg in a network namespace of its own (CAS1 answers IMAP there, nothing else
 * does), the program and its settings as the config document delivers them, Debian's real
 * AWS CLI calling the CloudWatch stand-in with the synthesized role's credentials from an
 * IMDSv2 stand-in. What reaches CloudWatch is read back: every metric named as
 * lib/monitoring/metrics.ts names it, the values HAProxy's state gives, the pair's split
 * between master and backup, and a refusal when the role may not write the namespace.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { CasHttpsVip, ImapVip } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { METRICS, MetricDefinition, metricIdentity } from "../../lib/monitoring/metrics";
import type { Datum } from "../../lab/aws/cloudwatch";
import type { PolicyDocument } from "../../lab/aws/iam";
import { Running, startStandIn, stopStandIn } from "../support/aws-stand-in";
import { deliveredNode, synthesizedNode } from "../support/delivered-files";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import type { RunningImds } from "../support/imds-stand-in";
import { InstanceRoot } from "../support/instance-root";
import { adminCommand, installConfig, startHaproxy } from "../support/root-haproxy";
import { fixture } from "../support/synth";

const CAS1 = { name: "CAS1", address: "192.168.30.20" };
const CAS2 = { name: "CAS2", address: "192.168.30.21" };
const NODE = "i-lab0a000105";
const LB = "test/Lb";

jest.setTimeout(60_000);

let running: Running;
beforeAll(async () => {
  running = await startStandIn({});
});
afterAll(() => stopStandIn(running));

/** The load balancer, its user-data, the files its config document carries, its role. */
function synthesized() {
  const { stack, lb } = fixture({ servers: [CAS1, CAS2], maxconn: 1000 });
  new CasHttpsVip(lb, "CasWeb");
  new ImapVip(lb, "CasImap");
  return synthesizedNode(stack, lb);
}

/** The statement of the metrics policy removed, or its namespace changed. */
function metricsPolicy(policies: readonly PolicyDocument[], namespace?: string): PolicyDocument[] {
  return policies.map((p) => ({
    ...p,
    Statement: [p.Statement]
      .flat()
      .flatMap((s) =>
        s.Sid !== "PutTheLoadBalancersMetrics"
          ? [s]
          : namespace
            ? [{ ...s, Condition: { StringEquals: { "cloudwatch:namespace": namespace } } }]
            : [],
      ),
  }));
}

const valueOf = (data: readonly Datum[], name: string, dims: Record<string, string>) =>
  data.find(
    (d) =>
      d.metricName === name &&
      JSON.stringify(d.dimensions) === JSON.stringify({ LoadBalancer: LB, ...dims }),
  )?.value;

const identities = (data: readonly Datum[]) =>
  new Set(data.map((d) => [d.metricName, ...Object.keys(d.dimensions)].join(" ")));

const identitiesOf = (metrics: readonly MetricDefinition[]) => new Set(metrics.map(metricIdentity));

describe.each(DEBIAN_RELEASES)("with $name's HAProxy", (release) => {
  let root: InstanceRoot;
  let imds: RunningImds;
  let responder: ChildProcess | undefined;
  let policies: readonly PolicyDocument[];
  let roleName: string;

  function setting(file: string, name: string, value: string) {
    const text = root.read(file).replace(new RegExp(`^${name}=.*$`, "m"), `${name}="${value}"`);
    root.write(file, text);
  }

  function haproxyPid(): number {
    return +readFileSync(root.path(PATHS.HAPROXY_PIDFILE), "utf8").trim();
  }

  function inNamespace(command: string) {
    return spawnSync("nsenter", [`--net=/proc/${haproxyPid()}/ns/net`, "sh", "-c", command], {
      encoding: "utf8",
      timeout: 10_000,
    });
  }

  const admin = (command: string) => adminCommand(root, command);

  async function until(what: string, predicate: () => boolean): Promise<void> {
    for (let i = 0; i < 100 && !predicate(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!predicate()) throw new Error(`timed out waiting for ${what}: ${admin("show stat")}`);
  }

  /** One publication; the data CloudWatch accepted from it. */
  async function publish(): Promise<{ code: number; stderr: string; data: readonly Datum[] }> {
    const before = running.standIn.metricPuts.length;
    const result = await root.run(PATHS.METRICS_PROGRAM, ["once"], { timeout: 45_000 });
    const puts = running.standIn.metricPuts.slice(before);
    for (const put of puts) {
      expect(put).toMatchObject({ namespace: "ExchangeLoadBalancer", instanceId: NODE });
    }
    return { code: result.code, stderr: result.stderr, data: puts.flatMap((p) => p.data) };
  }

  beforeEach(async () => {
    const node = synthesized();
    ({ policies, roleName } = node.role);
    ({ root, imds } = await deliveredNode(running, 5, node));

    installConfig(root, node.config);
    root.write(PATHS.SERVER_STATE, "1\n");
    startHaproxy(root, release, [
      "ip address add 192.168.30.20/32 dev lo",
      "ip address add 192.168.30.10/32 dev lo",
    ]);
    const pidfile = root.path(PATHS.HAPROXY_PIDFILE);
    await until("HAProxy's pid file", () => existsSync(pidfile));
    // CAS1 answers IMAP (the check's "* OK" greeting), in HAProxy's namespace.
    root.write("imap-greeting", "#!/bin/sh\necho '* OK IMAP4rev1 ready'\nsleep 3\n", 0o755);
    responder = spawn(
      "nsenter",
      [
        `--net=/proc/${haproxyPid()}/ns/net`,
        "socat",
        "TCP-LISTEN:143,bind=192.168.30.20,fork,reuseaddr",
        `EXEC:${root.path("imap-greeting")}`,
      ],
      { stdio: "ignore" },
    );
    await until("CAS1 up and CAS2 down in CasImap", () => {
      const stat = admin("show stat");
      return (
        /^CasImap,CAS1,(?:[^,]*,){15}UP,/m.test(stat) &&
        /^CasImap,CAS2,(?:[^,]*,){15}DOWN,/m.test(stat)
      );
    });
  });

  afterEach(async () => {
    responder?.kill("SIGTERM");
    if (existsSync(root.path(PATHS.HAPROXY_PIDFILE))) {
      try {
        process.kill(haproxyPid(), "SIGTERM");
      } catch {
        // already gone
      }
    }
    await imds?.close();
    root.remove();
  });

  test("one instance: each backend's and each server's state and sessions, named as the alarms read them", async () => {
    const imap = (server: string) => ({ Backend: "CasImap", Server: server });
    const first = await publish();
    expect(first.code).toBe(0);
    const { serverDown, serverDraining, serverInMaintenance, serverSessions, serverNewSessions } =
      METRICS;
    const { connectionErrors, checkFailures, anyServerDown, healthyServers, backendSessions } =
      METRICS;
    const states = [
      serverDown,
      serverDraining,
      serverInMaintenance,
      serverSessions,
      anyServerDown,
      healthyServers,
      backendSessions,
      METRICS.serving,
      METRICS.haproxyUp,
    ];
    // The first publication has no earlier count to take an increase from: no counters.
    expect(identities(first.data)).toEqual(identitiesOf(states));
    expect(valueOf(first.data, "Serving", {})).toBe(1);

    // A session through the IMAP VIP, which goes to CAS1, the only server up.
    const session = inNamespace("echo 'A1 LOGOUT' | socat -t 2 - TCP:192.168.30.10:143");
    expect(session.stdout).toContain("* OK");
    const counted = await publish();
    expect(identities(counted.data)).toEqual(
      identitiesOf([...states, serverNewSessions, connectionErrors, checkFailures]),
    );
    expect(valueOf(counted.data, "Sessions", imap("CAS1"))).toBe(1);
    // CAS2 is down: HAProxy counts failed checks of servers that are up only (chkfail).
    expect(valueOf(counted.data, "CheckFailures", imap("CAS2"))).toBe(0);

    // A reload: the new process counts from 0, and its one session is the increase.
    const pidOf = () => /^Pid: (\d+)$/m.exec(admin("show info"))?.[1];
    const before = pidOf();
    process.kill(haproxyPid(), "SIGUSR2");
    await until("the reloaded HAProxy", () => pidOf() !== undefined && pidOf() !== before);
    await until("CAS1 up after the reload", () =>
      /^CasImap,CAS1,(?:[^,]*,){15}UP,/m.test(admin("show stat")),
    );
    expect(inNamespace("echo 'A1 LOGOUT' | socat -t 2 - TCP:192.168.30.10:143").stdout).toContain(
      "* OK",
    );
    const reloaded = await publish();
    expect(valueOf(reloaded.data, "Sessions", imap("CAS1"))).toBe(1);
    expect(valueOf(first.data, "HaproxyUp", { Node: NODE })).toBe(1);
    expect(valueOf(first.data, "HealthyServers", { Backend: "CasImap" })).toBe(1);
    // Nothing answers HTTP: every CasWeb server fails its check.
    expect(valueOf(first.data, "HealthyServers", { Backend: "CasWeb" })).toBe(0);
    expect(valueOf(first.data, "ServerDown", imap("CAS1"))).toBe(0);
    expect(valueOf(first.data, "ServerDown", imap("CAS2"))).toBe(1);
    expect(valueOf(first.data, "ServerDown", { Server: "CAS1" })).toBe(1);

    // Drained and halted at run time; the counters published are the increase since.
    expect((await root.run(PATHS.SERVER_STATE_PROGRAM, ["set", "CAS1", "drain"])).code).toBe(0);
    expect((await root.run(PATHS.SERVER_STATE_PROGRAM, ["set", "CAS2", "maintenance"])).code).toBe(
      0,
    );
    const second = await publish();
    expect(second.code).toBe(0);
    expect(valueOf(second.data, "ServerDraining", imap("CAS1"))).toBe(1);
    expect(valueOf(second.data, "ServerInMaintenance", imap("CAS2"))).toBe(1);
    expect(valueOf(second.data, "ServerDown", imap("CAS2"))).toBe(0);
    expect(valueOf(second.data, "HealthyServers", { Backend: "CasImap" })).toBe(0);
    expect(valueOf(second.data, "Sessions", imap("CAS1"))).toBe(0);
  });

  test("a server's source lines count towards it: one server in the metrics, their sessions summed", async () => {
    const imap = (server: string) => ({ Backend: "CasImap", Server: server });
    const { stack, lb } = fixture({
      servers: [CAS1, CAS2],
      maxconn: 1000,
      sourceAddresses: ["192.168.30.40"],
    });
    new CasHttpsVip(lb, "CasWeb");
    new ImapVip(lb, "CasImap");
    installConfig(root, synthesizedNode(stack, lb).config);
    const pidOf = () => /^Pid: (\d+)$/m.exec(admin("show info"))?.[1];
    const before = pidOf();
    process.kill(haproxyPid(), "SIGUSR2");
    await until("the reloaded HAProxy", () => pidOf() !== undefined && pidOf() !== before);
    await until("CAS1 and its line up", () =>
      /^CasImap,CAS1:src2,(?:[^,]*,){15}UP,/m.test(admin("show stat")),
    );
    expect((await publish()).code).toBe(0);
    for (let i = 0; i < 4; i++) {
      const session = inNamespace("echo 'A1 LOGOUT' | socat -t 2 - TCP:192.168.30.10:143");
      expect(session.stdout).toContain("* OK");
    }
    const served = /^CasImap,CAS1:src2,(?:[^,]*,){5}(\d+),/m.exec(admin("show stat"));
    expect(Number(served?.[1])).toBeGreaterThan(0);
    const counted = await publish();
    expect(valueOf(counted.data, "Sessions", imap("CAS1"))).toBe(4);
    expect(valueOf(counted.data, "ServerDown", imap("CAS1"))).toBe(0);
    expect(valueOf(counted.data, "HealthyServers", { Backend: "CasImap" })).toBe(1);
    expect(counted.data.filter((d) => (d.dimensions.Server ?? "").includes(":src"))).toEqual([]);
  });

  test("a pair: the backup publishes only its own HAProxy and role; the master all, and the failovers since", async () => {
    setting(PATHS.SETTINGS, "LOCAL_PEER", "node-10-0-1-5");
    root.write(PATHS.FAILOVER_STATE, "BACKUP\n");
    const backup = await publish();
    expect(backup.code).toBe(0);
    expect(identities(backup.data)).toEqual(
      identitiesOf([METRICS.haproxyUp, METRICS.vrrpMaster, METRICS.failovers]),
    );
    expect(valueOf(backup.data, "VrrpMaster", { Node: NODE })).toBe(0);
    expect(valueOf(backup.data, "Failovers", {})).toBe(0);

    root.write(PATHS.FAILOVER_EVENTS, `${(Date.now() / 1000).toFixed(6)} MASTER claimed\n`);
    root.write(PATHS.FAILOVER_STATE, "MASTER\n");
    const master = await publish();
    expect(valueOf(master.data, "VrrpMaster", { Node: NODE })).toBe(1);
    expect(valueOf(master.data, "Failovers", {})).toBe(1);
    expect(valueOf(master.data, "Serving", {})).toBe(1);
    expect(valueOf(master.data, "HealthyServers", { Backend: "CasImap" })).toBe(1);
    // Newly master, it has no earlier count: no counters yet, not all since HAProxy started.
    expect(master.data.filter((d) => d.metricName === "Sessions")).toEqual([]);
    const next = await publish();
    expect(next.data.find((d) => d.metricName === "Failovers")?.value).toBe(0);
    expect(valueOf(next.data, "Sessions", { Backend: "CasImap", Server: "CAS1" })).toBe(0);

    // Back to backup: it keeps no counters, so its next turn as master starts afresh.
    root.write(PATHS.FAILOVER_STATE, "BACKUP\n");
    expect((await publish()).data.map((d) => d.metricName).sort()).toEqual([
      "Failovers",
      "HaproxyUp",
      "VrrpMaster",
    ]);
    expect(existsSync(root.path(PATHS.METRICS_COUNTERS))).toBe(false);
  });

  test("the role may write its own namespace only: another is refused, and so is any without the policy", async () => {
    setting(PATHS.MONITORING_SETTINGS, "METRICS_NAMESPACE", "Other");
    const other = await publish();
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      `An error occurred (AccessDenied) when calling the PutMetricData operation: User: arn:aws:sts::123456789012:assumed-role/${roleName}/${NODE} is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action`,
    );
    setting(PATHS.MONITORING_SETTINGS, "METRICS_NAMESPACE", "ExchangeLoadBalancer");
    running.standIn.credentials.setRolePolicies(roleName, metricsPolicy(policies));
    expect((await publish()).code).toBe(1);
    running.standIn.credentials.setRolePolicies(roleName, metricsPolicy(policies, "Other"));
    expect((await publish()).code).toBe(1);
    running.standIn.credentials.setRolePolicies(roleName, policies);
    expect((await publish()).code).toBe(0);
  });

  test("HAProxy stopped: the node reports it down and nothing of the servers", async () => {
    process.kill(haproxyPid(), "SIGTERM");
    await until("HAProxy gone", () => !admin("show info").includes("Name:"));
    const down = await publish();
    expect(down.code).toBe(0);
    expect(down.data.map((d) => [d.metricName, d.value])).toEqual([["HaproxyUp", 0]]);
  });
});

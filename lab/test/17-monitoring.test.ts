/**
 * Scenario 17: the CloudWatch metrics of a clustered pair (guide 001's web, RPC and IMAP VIPs)
 * against real servers. The config document installs the publisher on both nodes, as State
 * Manager's first run does on a new instance; it runs with a 2 s period, and the lab's `aws`
 * keeps each put-metric-data's data (IAM and CloudWatch's checks are proven against the
 * stand-in: test/lab-aws/metrics-program.test.ts). CAS1 stops answering: the master publishes
 * it down, and the backends' healthy servers drop, within two periods of HAProxy seeing it; the
 * exporter on the admin port says the same to a host in adminCidrs, and nothing answers a host
 * outside them; the master's log holds the health-check transitions (option log-health-checks).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeVersion,
  ImapVip,
  RpcStaticPortVip,
} from "../../lib";
import { PATHS, SYSTEM_PATH } from "../../lib/instance/paths";
import { releasePath } from "../release";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import { AWS_METRICS } from "../aws-stand-ins";
import { applyStack } from "../lab";
import { serverStats, waitFor } from "../haproxy";
import { haproxyLog } from "../haproxy-log";
import { ALL_NODES, LB_NODES, LabNode, inNode, nodePath, startInNode } from "../node";
import { runConfigDocument, vrrpState } from "../pair";
import { inNs } from "../shell";
import { SynthesizedLoadBalancer, StackBuilder, pairProps, synthesize } from "../stacks";
import { HOSTS } from "../topology";
import { pairTest, report } from "./support";

const PERIOD_SECONDS = 2;
/** As systemd runs the service: its bare PATH (the lab's `aws` first), the release's tools. */
const AS_SERVICE = ["env", "-i", `PATH=${releasePath(SYSTEM_PATH)}`];
/** The smart host's first address may reach the admin port; the client may not. */
const ADMIN_HOST = HOSTS.smarthost.addresses[0];

const build: StackBuilder = (app) => {
  const stack = new TerraformStack(app, "lab-2010-pair");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", {
    ...pairProps(ExchangeVersion.EXCHANGE_2010),
    adminCidrs: [`${ADMIN_HOST}/32`],
    monitoring: {},
  });
  new CasHttpsVip(lb, "CasWeb");
  new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
  new ImapVip(lb, "CasImap");
  return { stack, lb };
};

interface Publication {
  readonly t: number;
  readonly data: readonly {
    MetricName: string;
    Dimensions: { Name: string; Value: string }[];
    Value: number;
  }[];
}

function publications(node: LabNode): Publication[] {
  const file = nodePath(node, AWS_METRICS);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(" ");
      return { t: Number(line.slice(0, space)) * 1000, data: JSON.parse(line.slice(space + 1)) };
    });
}

function valueIn(p: Publication, name: string, dims: Record<string, string>): number | undefined {
  const want = JSON.stringify(Object.entries({ LoadBalancer: "lab-2010-pair/Lb", ...dims }).sort());
  return p.data.find(
    (d) =>
      d.MetricName === name &&
      JSON.stringify(d.Dimensions.map((x) => [x.Name, x.Value]).sort()) === want,
  )?.Value;
}

let stack: SynthesizedLoadBalancer;
const publishers: number[] = [];
const CAS1_DOWN = ["iptables", "-I", "INPUT", "-s", "192.168.30.0/24", "-j", "DROP"];

beforeAll(async () => {
  stack = synthesize(build);
  await applyStack(stack);
  for (const node of ALL_NODES) {
    // As State Manager's first run on a new instance, which has none of the document's
    // programs (an earlier scenario's run installed them): the installer, then the config.
    for (const path of [
      PATHS.INSTALL_PROGRAM,
      PATHS.METRICS_PROGRAM,
      PATHS.METRICS_SERVICE,
      PATHS.MONITORING_SETTINGS,
      PATHS.METRICS_COUNTERS,
    ])
      rmSync(nodePath(node, path), { force: true });
    const result = runConfigDocument(node, stack.configDocument);
    expect(result).toMatchObject({ status: 0 });
    expect(result.output).toContain(`${PATHS.METRICS_PROGRAM} installed`);
    const settings = nodePath(node, PATHS.MONITORING_SETTINGS);
    writeFileSync(
      settings,
      readFileSync(settings, "utf8").replace(
        /^METRICS_PERIOD=.*$/m,
        `METRICS_PERIOD="${PERIOD_SECONDS}"`,
      ),
    );
    // One publication by hand first: a failure says why here, not as a timeout below.
    const once = inNode(node, [...AS_SERVICE, PATHS.METRICS_PROGRAM, "once"], {
      allowFailure: true,
    });
    expect(`${once.status} ${once.stdout}${once.stderr}`).toBe("0 ");
    publishers.push(
      startInNode(
        node,
        [...AS_SERVICE, PATHS.METRICS_PROGRAM, "run"],
        nodePath(node, "/run/exchange-lb-metrics.log"),
      ),
    );
  }
});

afterAll(() => {
  for (const pid of publishers) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
  inNs(HOSTS.cas1.ns, ["iptables", "-D", "INPUT", "-s", "192.168.30.0/24", "-j", "DROP"], {
    allowFailure: true,
  });
});

pairTest(
  "CAS1 stops answering: published down, and each backend one healthy server fewer, within two periods; the exporter agrees; the admin port answers adminCidrs only",
  async () => {
    const { lb, lb2 } = LB_NODES;
    expect(vrrpState(lb)).toBe("MASTER");
    // Both nodes report HAProxy up; the master all of CasImap's servers healthy.
    await waitFor(
      "a publication from each node",
      () => publications(lb).length > 0 && publications(lb2).length > 0,
      20_000,
    );
    const first = publications(lb).at(-1)!;
    expect(valueIn(first, "HealthyServers", { Backend: "CasImap" })).toBe(2);
    expect(valueIn(first, "VrrpMaster", { Node: "i-lab-lb" })).toBe(1);
    const backup = publications(lb2).at(-1)!;
    expect(valueIn(backup, "VrrpMaster", { Node: "i-lab-lb2" })).toBe(0);
    expect(valueIn(backup, "HealthyServers", { Backend: "CasImap" })).toBeUndefined();

    // The master's log from here on: earlier scenarios' lines do not count.
    const logged = haproxyLog(lb).length;
    const stopped = Date.now();
    inNs(HOSTS.cas1.ns, CAS1_DOWN);
    const seen = await waitFor(
      "HAProxy marking CAS1 down in every backend",
      async () =>
        (await serverStats(lb))
          .filter((s) => s.server === "CAS1")
          .every((s) => s.status.startsWith("DOWN")),
      30_000,
    );
    const seenAt = stopped + seen;
    const published = await waitFor(
      "a publication of CAS1 down",
      () =>
        publications(lb).some(
          (p) =>
            p.t >= seenAt &&
            valueIn(p, "ServerDown", { Server: "CAS1" }) === 1 &&
            valueIn(p, "HealthyServers", { Backend: "CasImap" }) === 1,
        ),
      30_000,
    );
    const latency = seen + published;
    report("metrics: CAS1 stopped -> HAProxy down (ms), -> published (ms)", { seen, latency });
    expect(published).toBeLessThanOrEqual(2 * PERIOD_SECONDS * 1000 + 1000);
    const down = publications(lb).find(
      (p) => p.t >= seenAt && valueIn(p, "ServerDown", { Server: "CAS1" }) === 1,
    )!;
    for (const backend of ["CasWeb", "CasRpc", "CasImap"]) {
      expect(valueIn(down, "ServerDown", { Backend: backend, Server: "CAS1" })).toBe(1);
      expect(valueIn(down, "HealthyServers", { Backend: backend })).toBe(1);
    }

    // The exporter on the master's primary address, from a host in adminCidrs: CAS1 down too.
    const url = `http://${lb.address}:8404/metrics`;
    const scrape = inNs(HOSTS.smarthost.ns, [
      "curl",
      "-sf",
      "-m",
      "5",
      "--interface",
      ADMIN_HOST,
      url,
    ]);
    expect(scrape.stdout).toMatch(
      /^haproxy_server_status\{proxy="CasImap",server="CAS1",state="DOWN"\} 1$/m,
    );
    expect(scrape.stdout).toMatch(
      /^haproxy_server_status\{proxy="CasImap",server="CAS2",state="UP"\} 1$/m,
    );
    // From the client, outside adminCidrs: nothing answers.
    const refused = inNs(HOSTS.client.ns, ["curl", "-sf", "-m", "3", url], { allowFailure: true });
    expect(refused.status).not.toBe(0);

    // The master's log (as journald has it on an instance) says why CAS1 went out, each backend.
    const log = haproxyLog(lb).slice(logged);
    for (const backend of ["CasWeb", "CasRpc", "CasImap"]) {
      expect(log).toMatch(new RegExp(`Health check for server ${backend}/CAS1 failed`));
      expect(log).toMatch(new RegExp(`Server ${backend}/CAS1 is DOWN`));
    }
    report("logs: CAS1's health-check transitions on the master", {
      lines: log
        .split(/(?=<\d+>)/)
        .filter((l) => /(Health check for server|Server) \S+\/CAS1 /.test(l)).length,
    });
  },
  120_000,
);

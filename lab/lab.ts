/**
 * Brings the whole lab up or down. Teardown kills every process in the lab's
 * namespaces and removes them, so it also cleans up after a crash.
 */
import { rmSync } from "node:fs";
import { applyFirewall } from "./firewall";
import { loadHaproxy, serverStats, waitAllUp } from "./haproxy";
import { removeLogMountPoint } from "./haproxy-log";
import { startFleet, stopFleet } from "./fleet";
import { LB_NODES, removeMountPoints } from "./node";
import { claimVipStatically, installDocumentFiles, installNode, startPair, stopPair } from "./pair";
import { fetchCertificates, startAwsStandIns } from "./aws-stand-ins";
import { LAB_DIR, SERVERS, forgetPostfixConfigDirs, startServers } from "./servers";
import { assertStackRelease } from "./release";
import { inNs } from "./shell";
import { SynthesizedLoadBalancer } from "./stacks";
import { HOSTS, createNetwork, destroyNetwork } from "./topology";

export function labDown(): void {
  destroyNetwork();
  forgetPostfixConfigDirs();
  rmSync(LAB_DIR, { recursive: true, force: true });
  removeMountPoints();
  removeLogMountPoint();
}

export function labUp(): void {
  labDown();
  try {
    createNetwork();
    startServers();
  } catch (error) {
    labDown();
    throw error;
  }
}

/**
 * Runs a synthesized load balancer: the files its user-data writes on the node,
 * its haproxy.cfg in HAProxy, its security-group rules in iptables. A pair
 * runs on both load-balancer namespaces with keepalived; a fleet on both behind
 * the NLB stand-in (lab/fleet.ts), which any other stack removes.
 */
export async function applyStack(lb: SynthesizedLoadBalancer): Promise<void> {
  if (lb.fleet) {
    await startFleet(lb);
    return;
  }
  assertStackRelease(lb.stackName, lb.amiNamePatterns);
  await stopFleet();
  if (lb.nodes.length === 2) {
    await startPair(lb);
    return;
  }
  await stopPair();
  claimVipStatically();
  installNode(LB_NODES.lb, lb.nodes[0]);
  installDocumentFiles(LB_NODES.lb, lb.configDocument);
  startAwsStandIns(LB_NODES.lb, lb.nodes[0].secondaryIps);
  fetchCertificates(LB_NODES.lb);
  applyFirewall(lb.ingress, lb.egress);
  await loadHaproxy(lb.haproxyConfig, "new-instance");
  await waitAllUp();
}

/** Ends the lab on Ctrl-C or termination as well as on normal exit paths. */
export function teardownOnSignals(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      labDown();
      process.exit(130);
    });
  }
}

function listening(ns: string): string {
  const out = inNs(ns, ["ss", "-ltnH"]).stdout;
  const ports = [
    ...new Set(
      out
        .split("\n")
        .filter(Boolean)
        .map((l) => Number(l.trim().split(/\s+/)[3].split(":").pop())),
    ),
  ];
  return ports.sort((a, b) => a - b).join(",");
}

export async function statusTable(stackName: string): Promise<string> {
  const rows: string[][] = [["host", "namespace", "addresses", "listening"]];
  for (const [name, host] of Object.entries(HOSTS)) {
    const addresses = [...host.addresses, ...((host as { vips?: string[] }).vips ?? [])].join(" ");
    rows.push([name, host.ns, addresses, listening(host.ns)]);
  }
  const stats = await serverStats();
  const backends: string[][] = [["backend", "server", "status", "sessions"]];
  for (const s of stats) backends.push([s.backend, s.server, s.status, String(s.totalSessions)]);
  const table = (data: string[][]) => {
    const widths = data[0].map((_, i) => Math.max(...data.map((r) => r[i].length)));
    return data.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n");
  };
  return `Exchange lab: stack ${stackName}, servers ${SERVERS.map((s) => s.label).join(", ")}, data in ${LAB_DIR}\n\n${table(rows)}\n\n${table(backends)}\n`;
}

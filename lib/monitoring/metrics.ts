/**
 * The metrics the instances publish to CloudWatch (lib/instance/files/exchange-lb-metrics),
 * named once: the alarms and the dashboard read these names, and a test holds the
 * program's output to them.
 */

/** CloudWatch's dimensions, from the widest to the narrowest. */
export const DIMENSION = {
  /** The load balancer's construct path. */
  loadBalancer: "LoadBalancer",
  /** An HAProxy backend: a VIP's, or one service of a VIP that terminates TLS. */
  backend: "Backend",
  /** A real server's name, as the guides label it (CAS1). */
  server: "Server",
  /** An instance id: one node. */
  node: "Node",
} as const;

type Dimension = keyof typeof DIMENSION;

export interface MetricDefinition {
  readonly name: string;
  readonly dimensions: readonly Dimension[];
  /** What a data point means, for the README and the dashboard. */
  readonly meaning: string;
  /** Published by a pair's nodes only. */
  readonly pairOnly?: boolean;
}

const SERVER: readonly Dimension[] = ["loadBalancer", "backend", "server"];
const BACKEND: readonly Dimension[] = ["loadBalancer", "backend"];
const NODE: readonly Dimension[] = ["loadBalancer", "node"];

export const METRICS = {
  serverDown: {
    name: "ServerDown",
    dimensions: SERVER,
    meaning: "1 while the server fails its health check (not in maintenance)",
  },
  serverDraining: {
    name: "ServerDraining",
    dimensions: SERVER,
    meaning: "1 while the server is drained: no new sessions, established ones continue",
  },
  serverInMaintenance: {
    name: "ServerInMaintenance",
    dimensions: SERVER,
    meaning: "1 while the server is in maintenance (halted): no traffic, no health check",
  },
  serverSessions: {
    name: "CurrentSessions",
    dimensions: SERVER,
    meaning: "sessions open to the server",
  },
  serverNewSessions: {
    name: "Sessions",
    dimensions: SERVER,
    meaning: "sessions sent to the server in the period",
  },
  connectionErrors: {
    name: "ConnectionErrors",
    dimensions: SERVER,
    meaning: "failed connections to the server in the period",
  },
  checkFailures: {
    name: "CheckFailures",
    dimensions: SERVER,
    // HAProxy's chkfail: "only counts checks failed when the server is up" (management.txt, 9.1).
    meaning: "health checks the server failed while up, in the period: a server that flaps",
  },
  anyServerDown: {
    name: "ServerDown",
    dimensions: ["loadBalancer", "server"],
    meaning: "1 while the server fails its health check in any backend",
  },
  healthyServers: {
    name: "HealthyServers",
    dimensions: BACKEND,
    meaning: "servers taking new sessions: up, not drained, not in maintenance",
  },
  backendSessions: {
    name: "CurrentSessions",
    dimensions: BACKEND,
    meaning: "sessions open through the backend",
  },
  serving: {
    name: "Serving",
    dimensions: ["loadBalancer"],
    meaning:
      "1 from the node that serves the VIPs (the instance, or the pair's master) while HAProxy answers; none when no node does",
  },
  haproxyUp: {
    name: "HaproxyUp",
    dimensions: NODE,
    meaning: "1 while HAProxy answers on the node (published by every node)",
  },
  vrrpMaster: {
    name: "VrrpMaster",
    dimensions: NODE,
    meaning: "1 while the node is the pair's master and holds the VIPs",
    pairOnly: true,
  },
  failovers: {
    name: "Failovers",
    dimensions: ["loadBalancer"],
    meaning: "times a node became the pair's master in the period",
    pairOnly: true,
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** The metric's identity in CloudWatch: its name and its dimensions' names. */
export function metricIdentity(metric: MetricDefinition): string {
  return [metric.name, ...metric.dimensions.map((d) => DIMENSION[d])].join(" ");
}

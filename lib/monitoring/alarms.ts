/**
 * The load balancer's CloudWatch alarms as data, one per thing an Exchange admin is paged
 * for: no node serving the VIPs, a backend that cannot take a session, a real server failing
 * its health check, a node of a pair that stopped reporting, a pair failover. Names carry the load balancer's path (alarm names
 * are unique in an account's region) and the severity.
 */
import { idPart } from "../core/id";
import { DIMENSION, METRICS, MetricDefinition } from "./metrics";
import { MonitoredLoadBalancer, MonitoredNode } from "./monitored";

export type Severity = "critical" | "warning";

export interface AlarmSpec {
  /** A construct id from values: distinct values, distinct ids (names hold no "/"). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Maximum" | "Minimum" | "Sum";
  readonly comparison: "LessThanThreshold" | "GreaterThanOrEqualToThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /**
   * The serving node's or a node's metrics missing means it or its publisher is gone: that
   * breaches. A server's missing means no node serves, which the Serving alarm reports.
   */
  readonly treatMissingData: "breaching" | "notBreaching";
}

/** The label of a load balancer's one instance. */
export const SINGLE_NODE = "instance";

/** "node 10.0.1.5" of a pair, "instance" alone. */
export function nodeName(node: { readonly label: string }): string {
  return node.label === SINGLE_NODE ? "instance" : `node ${node.label}`;
}

/** Two periods in a row: one failed check cycle or a late publication pages nobody. */
const CONFIRM = 2;

export function alarmsOf(lb: MonitoredLoadBalancer): AlarmSpec[] {
  return [
    servingAlarm(lb),
    ...backendAlarms(lb),
    ...serverAlarms(lb),
    // Alone, the instance not serving is the Serving alarm; of a pair, a node lost is a warning.
    ...(lb.pair ? [...lb.nodes.map((node) => nodeAlarm(lb, node)), failoverAlarm(lb)] : []),
  ];
}

type Spec = Omit<AlarmSpec, "name" | "dimensions" | "metricName"> & {
  readonly what: string;
  readonly metric: MetricDefinition;
  readonly values: Readonly<Record<string, string>>;
};

/** The alarm's name and its metric's dimensions, the LoadBalancer one this load balancer's. */
function alarm(lb: MonitoredLoadBalancer, spec: Spec): AlarmSpec {
  const { what, metric, values, ...rest } = spec;
  return {
    ...rest,
    name: `${lb.name} ${spec.severity}: ${what}`,
    metricName: metric.name,
    dimensions: Object.fromEntries(
      metric.dimensions.map((d) => [DIMENSION[d], d === "loadBalancer" ? lb.name : values[d]]),
    ),
  };
}

/**
 * Nobody holds the VIPs with HAProxy running: the instance or both nodes down, HAProxy
 * stopped, or a pair where neither node is master. Every VIP is out of service.
 */
function servingAlarm(lb: MonitoredLoadBalancer): AlarmSpec {
  return alarm(lb, {
    id: "NoNodeServes",
    what: "no node serves the VIPs",
    description: `No node of ${lb.name} reports serving its VIPs with HAProxy running (${lb.pair ? "both nodes down, HAProxy stopped on the master, or neither node master" : lb.fleet ? "every node, its HAProxy or its metrics publisher is down" : "the instance, HAProxy or the metrics publisher is down"}): Exchange clients get no service.`,
    severity: "critical",
    metric: METRICS.serving,
    values: {},
    statistic: "Maximum",
    comparison: "LessThanThreshold",
    threshold: 1,
    evaluationPeriods: CONFIRM,
    treatMissingData: "breaching",
  });
}

function backendAlarms(lb: MonitoredLoadBalancer): AlarmSpec[] {
  return lb.vips.flatMap((vip) =>
    vip.backends.map((backend) =>
      alarm(lb, {
        id: `NoHealthyServer_${backend.name}`,
        what: `no healthy server in ${backend.name}`,
        description: `Every real server of backend ${backend.name} (VIP ${vip.name}, ${vip.address}) is down, drained or in maintenance: its clients get no service.`,
        severity: "critical",
        metric: METRICS.healthyServers,
        values: { backend: backend.name },
        statistic: "Maximum",
        comparison: "LessThanThreshold",
        threshold: 1,
        evaluationPeriods: CONFIRM,
        treatMissingData: "notBreaching",
      }),
    ),
  );
}

/** One per real server, whichever backends have it: CAS1 down pages once, not once a service. */
function serverAlarms(lb: MonitoredLoadBalancer): AlarmSpec[] {
  const servers = new Set(lb.vips.flatMap((vip) => vip.backends.flatMap((b) => b.servers)));
  return [...servers].map((server) =>
    alarm(lb, {
      // The name itself: CAS.1 and CAS_1 are two servers, two alarms.
      id: `ServerDown_${server}`,
      what: `${server} fails its health check`,
      description: `Real server ${server} fails a health check of at least one backend; the others take its clients. The dashboard shows which.`,
      severity: "warning",
      metric: METRICS.anyServerDown,
      values: { server },
      statistic: "Maximum",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluationPeriods: CONFIRM,
      treatMissingData: "notBreaching",
    }),
  );
}

function nodeAlarm(lb: MonitoredLoadBalancer, node: MonitoredNode): AlarmSpec {
  return alarm(lb, {
    id: `NodeNotReporting_${idPart(node.label)}`,
    what: `${nodeName(node)} not reporting`,
    description: `${nodeName(node)} has not reported HAProxy running: HAProxy, the metrics publisher or the instance is down. The other node serves if it is the master; the pair has no spare.`,
    severity: "warning",
    metric: METRICS.haproxyUp,
    values: { node: node.instanceId },
    statistic: "Minimum",
    comparison: "LessThanThreshold",
    threshold: 1,
    evaluationPeriods: CONFIRM,
    treatMissingData: "breaching",
  });
}

function failoverAlarm(lb: MonitoredLoadBalancer): AlarmSpec {
  return alarm(lb, {
    id: "Failover",
    what: "pair failover",
    description:
      "A node of the pair became master: the VIPs moved. See the failover events on the nodes (README, Clustered pair).",
    severity: "warning",
    metric: METRICS.failovers,
    values: {},
    statistic: "Sum",
    comparison: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
  });
}

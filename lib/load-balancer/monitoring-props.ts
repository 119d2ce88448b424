/** The monitoring props: CloudWatch metrics, alarms, dashboard and instance recovery. */
import { Duration } from "../core/duration";
import { fail } from "../core/errors";
import { Construct, Token } from "../framework";
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_METRICS_PERIOD_SECONDS,
  MonitoringSettings,
} from "../monitoring/settings";

export interface MonitoringProps {
  /**
   * Each node publishes HAProxy's view of every real server to CloudWatch (see the README's
   * "Monitoring"); the instance role may put metrics in `namespace` only. Needs the config
   * document (the SSM agent), which delivers the publisher.
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * CloudWatch namespace of the metrics.
   * @default "ExchangeLoadBalancer"
   */
  readonly namespace?: string;
  /**
   * How often each node publishes; whole minutes (CloudWatch's standard resolution).
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * CloudWatch alarms: a backend without a healthy server (critical), a real server failing
   * its health check (warning), a node not reporting, a pair failover. Needs `metrics`.
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * An SNS topic notified when any alarm goes to ALARM and back to OK.
   * @default none: the alarms change state in CloudWatch only
   */
  readonly alarmTopicArn?: string;
  /**
   * A CloudWatch dashboard: per VIP, each backend's healthy servers and each real server's
   * state and sessions, and the nodes. Needs `metrics`.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * An alarm on each node's EC2 system status check that recovers the instance (same id,
   * addresses and volumes on other hardware).
   * @default true
   */
  readonly recoverInstances?: boolean;
  /**
   * HAProxy's log lines (a line a connection; with its health checks, why a real server went
   * down or came back) also go to the CloudWatch Logs group `/exchange-lb/<construct path>`,
   * a stream per node (its instance id), within about 10 s. They stay in the journal either
   * way (`journalctl -u haproxy`). CloudWatch Logs bills each GB ingested. Needs the config
   * document (the SSM agent), which delivers the shipper.
   * @default false
   */
  readonly logs?: boolean;
  /**
   * How long the group keeps them: days CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90,
   * 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/** PutRetentionPolicy's retentionInDays (CloudWatch Logs API Reference). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];
const DEFAULT_LOG_RETENTION_DAYS = 30;

const NAMESPACE = /^[A-Za-z0-9.\-_/#:]{1,255}$/;

export function monitoringOf(scope: Construct, props?: MonitoringProps): MonitoringSettings {
  const metrics = props?.metrics ?? true;
  const alarms = props?.alarms ?? metrics;
  const dashboard = props?.dashboard ?? metrics;
  for (const [name, on] of [
    ["alarms", alarms],
    ["dashboard", dashboard],
  ] as const) {
    if (on && !metrics) {
      fail(
        scope,
        `monitoring.${name} needs the metrics, which monitoring.metrics turns off`,
        `set monitoring.${name}: false, or leave monitoring.metrics on`,
      );
    }
  }
  const logs = props?.logs ?? false;
  if (props?.logRetentionDays !== undefined && !logs) {
    fail(
      scope,
      "monitoring.logRetentionDays is for the log group, which monitoring.logs turns on",
      "set monitoring.logs: true, or leave logRetentionDays out",
    );
  }
  // The LoadBalancer dimension and the group's name, written into the settings file: a
  // shell-safe path (and one a log group's name takes).
  if ((metrics || logs) && !/^[A-Za-z0-9._/-]{1,255}$/.test(scope.node.path)) {
    fail(
      scope,
      `the construct path "${scope.node.path}" is not a CloudWatch dimension value or log group name the monitoring programs can write`,
      "name the stack and the load balancer with letters, digits, . _ and -",
    );
  }
  return {
    metrics,
    namespace: namespaceOf(scope, props?.namespace ?? DEFAULT_METRICS_NAMESPACE),
    periodSeconds: periodOf(scope, props?.period),
    loadBalancer: scope.node.path,
    alarms,
    alarmTopicArn: topicOf(scope, props?.alarmTopicArn),
    dashboard,
    recoverInstances: props?.recoverInstances ?? true,
    logs: logs
      ? { group: `/exchange-lb/${scope.node.path}`, retentionDays: retentionOf(scope, props) }
      : undefined,
  };
}

function retentionOf(scope: Construct, props: MonitoringProps | undefined): number {
  const days = props?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  if (!RETENTION_DAYS.includes(days)) {
    fail(
      scope,
      `monitoring.logRetentionDays ${days} is not a retention CloudWatch Logs takes`,
      `give one of ${RETENTION_DAYS.join(", ")}`,
    );
  }
  return days;
}

/**
 * CloudWatch refuses the AWS/ prefix to anyone but AWS (PutMetricData, Namespace). A token
 * cannot be written into the metrics program's settings at synth.
 */
function namespaceOf(scope: Construct, namespace: string): string {
  if (Token.isUnresolved(namespace) || !NAMESPACE.test(namespace) || namespace.startsWith("AWS/")) {
    fail(
      scope,
      `monitoring.namespace "${namespace}" is not a namespace CloudWatch takes`,
      `give letters, digits and . - _ / # : (not starting with AWS/), e.g. "${DEFAULT_METRICS_NAMESPACE}"`,
    );
  }
  return namespace;
}

function periodOf(scope: Construct, period: Duration | undefined): number {
  const seconds = (period?.toMilliseconds() ?? DEFAULT_METRICS_PERIOD_SECONDS * 1000) / 1000;
  if (seconds % 60 !== 0 || seconds > 3600) {
    fail(
      scope,
      `monitoring.period is ${seconds} seconds, not whole minutes up to an hour`,
      "give Duration.minutes(1) (the default) to Duration.minutes(60)",
    );
  }
  return seconds;
}

function topicOf(scope: Construct, topic: string | undefined): string | undefined {
  if (topic !== undefined && !Token.isUnresolved(topic) && !/^arn:[a-z-]+:sns:/.test(topic)) {
    fail(
      scope,
      `monitoring.alarmTopicArn "${topic}" is not an SNS topic ARN`,
      "give the topic's ARN, e.g. arn:aws:sns:eu-west-2:123456789012:exchange-alerts",
    );
  }
  return topic;
}

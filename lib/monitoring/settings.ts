/**
 * What the monitoring props resolve to, and the metrics and logs programs' settings file
 * (delivered with each config, like haproxy.cfg: a change reaches running nodes).
 */
import { SOURCE_LINE_SUFFIX } from "../instance/source-addresses";
import { renderSettings } from "../instance/settings";

/** CloudWatch's namespace for the published metrics. */
export const DEFAULT_METRICS_NAMESPACE = "ExchangeLoadBalancer";
/** CloudWatch's standard resolution: one data point a minute. */
export const DEFAULT_METRICS_PERIOD_SECONDS = 60;
/** How often a node ships HAProxy's new log lines: one AWS CLI call a node, when any. */
export const LOGS_INTERVAL_SECONDS = 10;

/** HAProxy's logs in a CloudWatch Logs group. */
export interface LogsSettings {
  /** `/exchange-lb/<construct path>`. */
  readonly group: string;
  readonly retentionDays: number;
}

export interface MonitoringSettings {
  /** The instances publish metrics (and the role may). */
  readonly metrics: boolean;
  readonly namespace: string;
  readonly periodSeconds: number;
  /** The `LoadBalancer` dimension: the construct path. */
  readonly loadBalancer: string;
  readonly alarms: boolean;
  /** Notified of every alarm's ALARM and OK. */
  readonly alarmTopicArn?: string;
  readonly dashboard: boolean;
  /** An EC2 system status-check alarm recovers each node. */
  readonly recoverInstances: boolean;
  /** None: HAProxy's logs stay in the journal. */
  readonly logs?: LogsSettings;
}

/** The metrics and logs programs' settings: their values and the paths their texts read. */
export function renderMonitoringSettings(
  monitoring: MonitoringSettings,
  programTexts: readonly string[],
): string {
  return renderSettings(
    [
      {
        comment: "CloudWatch metrics (the load balancer's monitoring props).",
        values: {
          METRICS_PUBLISH: monitoring.metrics ? "yes" : "no",
          METRICS_NAMESPACE: monitoring.namespace,
          METRICS_PERIOD: String(monitoring.periodSeconds),
          METRICS_LOAD_BALANCER: monitoring.loadBalancer,
        },
      },
      {
        // Here too: a node booted by an earlier version has no such line in its settings.
        comment: "A real server's source lines (SERVER:src2...), counted as the server.",
        values: { SOURCE_LINE_SUFFIX },
      },
      {
        comment: "HAProxy's logs in CloudWatch Logs (monitoring.logs).",
        values: {
          LOGS_PUBLISH: monitoring.logs ? "yes" : "no",
          LOGS_GROUP: monitoring.logs?.group ?? "",
          LOGS_INTERVAL: String(LOGS_INTERVAL_SECONDS),
        },
      },
    ],
    programTexts,
  );
}

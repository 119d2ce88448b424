/**
 * What the monitoring props resolve to, and the metrics program's settings file
 * (delivered with each config, like haproxy.cfg: a change reaches running nodes).
 */
import { renderSettings } from "../instance/settings";

/** CloudWatch's namespace for the published metrics. */
export const DEFAULT_METRICS_NAMESPACE = "ExchangeLoadBalancer";
/** CloudWatch's standard resolution: one data point a minute. */
export const DEFAULT_METRICS_PERIOD_SECONDS = 60;

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
}

/** The metrics program's settings: its values and the paths its text reads. */
export function renderMetricsSettings(monitoring: MonitoringSettings, programText: string): string {
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
    ],
    [programText],
  );
}

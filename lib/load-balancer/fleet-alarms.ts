/**
 * A fleet's alarm per VIP on the NLB's own metric: a node failing the VIP's check for five
 * minutes (HAProxy down, no real server usable from it, or still waiting for the config
 * document) is a warning; the other nodes serve. The nodes' own metrics cannot say it: a node
 * that never got its config publishes as healthy.
 */
import { CloudwatchMetricAlarm, Construct, LbTargetGroup } from "../framework";
import { MonitoringSettings } from "../monitoring/settings";
import { VipDescription } from "../vips/description";

/** Five minutes: longer than a node's wait for its config after boot, and a check's flap. */
const UNHEALTHY_MINUTES = 5;

/** @returns the alarm's name (a reference), which an instance refresh watches; none without alarms */
export function addUnhealthyNodeAlarm(
  scope: Construct,
  monitoring: MonitoringSettings,
  vip: VipDescription,
  group: LbTargetGroup,
  loadBalancerArnSuffix: string,
): string | undefined {
  if (!monitoring.alarms) return undefined;
  const topic = monitoring.alarmTopicArn;
  const what = `a node fails the health check of ${vip.name}`;
  const alarm = new CloudwatchMetricAlarm(scope, `UnhealthyNode_${vip.name}`, {
    alarmName: `${monitoring.loadBalancer} warning: ${what}`,
    alarmDescription: `warning: the Network Load Balancer has found ${what} for ${UNHEALTHY_MINUTES} minutes: HAProxy down on it, no real server usable from it, or it still waits for the config document (README, fleet). It gets no new connections; the other nodes serve.`,
    namespace: "AWS/NetworkELB",
    metricName: "UnHealthyHostCount",
    dimensions: { TargetGroup: group.arnSuffix, LoadBalancer: loadBalancerArnSuffix },
    statistic: "Maximum",
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    period: 60,
    evaluationPeriods: UNHEALTHY_MINUTES,
    treatMissingData: "notBreaching",
    alarmActions: topic ? [topic] : undefined,
    okActions: topic ? [topic] : undefined,
  });
  return alarm.alarmName;
}

/**
 * CloudWatch around the load balancer: the instance role may put metrics in its namespace
 * only; the alarms (created as the VIPs arrive, ids from values, a repeat skipped), the
 * dashboard (rendered at synth from every VIP), an EC2 recovery alarm per node, and
 * HAProxy's log group when asked.
 */
import { idPart } from "../core/id";
import {
  CloudwatchDashboard,
  CloudwatchMetricAlarm,
  Construct,
  IamRolePolicy,
  Instance,
  Lazy,
} from "../framework";
import { SINGLE_NODE, alarmsOf, nodeName } from "../monitoring/alarms";
import { dashboardBody } from "../monitoring/dashboard";
import { MonitoringSettings } from "../monitoring/settings";
import { MonitoredLoadBalancer } from "../monitoring/monitored";
import { LoadBalancerModel } from "../config/model";
import { monitoredVipsOf } from "../config/monitored-vips";
import type { InstanceRole } from "./instance-role";
import type { Arns } from "./arns";
import { HaproxyLogs } from "./haproxy-logs";
import { NAME_PREFIX } from "./names";

export interface MonitoringSetup {
  readonly role: InstanceRole;
  readonly arns: Arns;
  readonly instances: readonly Instance[];
  /** The load balancer with the VIPs added so far. */
  readonly model: () => LoadBalancerModel;
}

export class Monitoring extends Construct {
  private readonly alarmArns: string[] = [];
  private readonly settings: MonitoringSettings;
  private readonly nodeAddresses: readonly string[];

  constructor(
    scope: Construct,
    id: string,
    private readonly setup: MonitoringSetup,
  ) {
    super(scope, id);
    const model = setup.model();
    const settings = model.monitoring;
    this.settings = settings;
    this.nodeAddresses = model.pair?.nodes.map((node) => node.address) ?? [];
    if (settings.metrics) this.allowPutMetricData();
    if (settings.logs) new HaproxyLogs(this, "Logs", setup.role, settings.logs);
    if (settings.recoverInstances) this.addRecoveryAlarms();
    if (settings.alarms) this.vipsChanged();
    if (settings.dashboard) {
      new CloudwatchDashboard(this, "Dashboard", {
        // Dashboard names take letters, digits, - and _.
        dashboardName: `${NAME_PREFIX}${settings.loadBalancer.replace(/[^A-Za-z0-9_-]/g, "-")}`,
        dashboardBody: Lazy.stringValue({
          produce: () =>
            dashboardBody({
              ...this.loadBalancer(),
              region: setup.arns.region,
              alarmArns: this.alarmArns,
            }),
        }),
      });
    }
  }

  /** Adds the alarms a new VIP brings (its backends, its real servers not watched yet). */
  public vipsChanged(): void {
    if (!this.settings.alarms) return;
    const topic = this.settings.alarmTopicArn;
    for (const alarm of alarmsOf(this.loadBalancer())) {
      if (this.node.tryFindChild(alarm.id)) continue;
      const created = new CloudwatchMetricAlarm(this, alarm.id, {
        alarmName: alarm.name,
        alarmDescription: `${alarm.severity}: ${alarm.description}`,
        namespace: this.settings.namespace,
        metricName: alarm.metricName,
        dimensions: { ...alarm.dimensions },
        statistic: alarm.statistic,
        comparisonOperator: alarm.comparison,
        threshold: alarm.threshold,
        period: this.settings.periodSeconds,
        evaluationPeriods: alarm.evaluationPeriods,
        treatMissingData: alarm.treatMissingData,
        alarmActions: topic ? [topic] : undefined,
        okActions: topic ? [topic] : undefined,
      });
      this.alarmArns.push(created.arn);
    }
  }

  private loadBalancer(): MonitoredLoadBalancer {
    const { settings, nodeAddresses } = this;
    const { instances } = this.setup;
    return {
      name: settings.loadBalancer,
      namespace: settings.namespace,
      periodSeconds: settings.periodSeconds,
      pair: nodeAddresses.length > 0,
      fleet: this.setup.model().fleet !== undefined,
      vips: monitoredVipsOf(this.setup.model()),
      nodes: instances.map((instance, i) => ({
        label: nodeAddresses[i] ?? SINGLE_NODE,
        instanceId: instance.id,
      })),
    };
  }

  private allowPutMetricData(): void {
    new IamRolePolicy(this, "MetricsPolicy", {
      namePrefix: `${NAME_PREFIX}metrics-`,
      role: this.setup.role.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "PutTheLoadBalancersMetrics",
            Effect: "Allow",
            // PutMetricData has no resource type: its namespace condition is the scope.
            Action: ["cloudwatch:PutMetricData"],
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": this.settings.namespace } },
          },
        ],
      }),
    });
  }

  /**
   * EC2's system status check fails when AWS's hardware or network under the node does; the
   * recover action moves the instance, keeping its id, addresses and volumes (EC2 User
   * Guide, "Recover your instance").
   */
  private addRecoveryAlarms(): void {
    const { settings, nodeAddresses } = this;
    const { instances, arns } = this.setup;
    const partition = this.setup.role.partition;
    const topic = settings.alarmTopicArn;
    instances.forEach((instance, i) => {
      const node = { label: nodeAddresses[i] ?? SINGLE_NODE };
      new CloudwatchMetricAlarm(this, `Recover_${idPart(node.label)}`, {
        alarmName: `${settings.loadBalancer} warning: ${nodeName(node)} system status check failed`,
        alarmDescription: `warning: EC2's system status check of ${nodeName(node)} fails; EC2 recovers the instance onto other hardware.`,
        namespace: "AWS/EC2",
        metricName: "StatusCheckFailed_System",
        dimensions: { InstanceId: instance.id },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        period: 60,
        evaluationPeriods: 2,
        alarmActions: [
          `arn:${partition}:automate:${arns.region}:ec2:recover`,
          ...(topic ? [topic] : []),
        ],
        okActions: topic ? [topic] : undefined,
      });
    });
  }
}

/**
 * A fleet's nodes: a launch template (the Debian AMI, IMDSv2 only, an encrypted gp3 root, the
 * instance role, the source addresses EC2 assigns, the same user-data every node boots with) and
 * an Auto Scaling group across the fleet's subnets, registered in the NLB's target groups,
 * scaled by a target-tracking policy. A new node waits out of service in the launch lifecycle
 * hook until its config document is applied. A new AMI or instance type is an instance refresh:
 * one node at a time, the new one launched and given its config before the old one leaves. A
 * config change is not: it reaches the nodes through the config document, like every topology's.
 */
import {
  FLEET_DEFAULTS,
  FleetSettings,
  LIFECYCLE_HOOK,
  nodeSubnetIds,
} from "../fleet/fleet-settings";
import { AutoscalingGroup, AutoscalingPolicy, Construct, LaunchTemplate, Lazy } from "../framework";
import { LaunchTemplateSetup, launchTemplateOf } from "./fleet-launch-template";
import { NAME_PREFIX, NODES_TAG } from "./names";

/**
 * How long a new node takes to serve: boot, packages, HAProxy, the SSM agent and the config
 * association. The boot lab's Debian 13 VMs (QEMU without KVM, far slower than EC2) reach
 * HAProxy serving in about 3 minutes; 300 s leaves room. The refresh and the scaling policy
 * count a node only after it.
 */
export const NODE_WARMUP_SECONDS = 300;

export interface FleetNodesSetup extends LaunchTemplateSetup {
  readonly fleet: FleetSettings;
  /** The NLB's target groups, as the VIPs arrive. */
  readonly targetGroupArns: () => string[];
  /** The alarms on a node failing a VIP's check, as the VIPs arrive: a refresh stops on one. */
  readonly alarmNames: () => string[];
  /** The NLB, for the connections metric. */
  readonly loadBalancerArnSuffix: string;
  /** The nodes' `maxconn`, at synth. */
  readonly maxconn: () => number;
}

export class FleetNodes {
  public readonly launchTemplate: LaunchTemplate;
  public readonly group: AutoscalingGroup;
  public readonly scalingPolicy: AutoscalingPolicy;

  constructor(owner: Construct, setup: FleetNodesSetup) {
    this.launchTemplate = launchTemplateOf(owner, setup);
    this.group = groupOf(owner, setup, this.launchTemplate);
    const { scaling } = setup.fleet;
    this.scalingPolicy = new AutoscalingPolicy(owner, "Scaling", {
      name: `${NAME_PREFIX}${scaling.metric}`,
      autoscalingGroupName: this.group.name,
      policyType: "TargetTrackingScaling",
      estimatedInstanceWarmup: NODE_WARMUP_SECONDS,
      targetTrackingConfiguration:
        scaling.metric === "cpu"
          ? {
              predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
              targetValue: scaling.target ?? FLEET_DEFAULTS.cpuPercent,
            }
          : connectionsTracking(setup, this.group.name),
    });
  }
}

/** The nodes across the subnets, in every target group, refreshed one at a time. */
function groupOf(
  owner: Construct,
  setup: FleetNodesSetup,
  template: LaunchTemplate,
): AutoscalingGroup {
  const { fleet } = setup;
  const path = owner.node.path;
  return new AutoscalingGroup(owner, "NodeGroup", {
    // Fixed: the nodes' user-data and the role's policy name it.
    name: fleet.groupName,
    // A new node waits out of service until its config document is applied (the ready program).
    initialLifecycleHook: [
      {
        name: LIFECYCLE_HOOK.name,
        lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        heartbeatTimeout: LIFECYCLE_HOOK.heartbeatSeconds,
        defaultResult: LIFECYCLE_HOOK.defaultResult,
      },
    ],
    // The nodes wait for the association, which is created after the group: Terraform must not
    // wait for them in service before it goes on.
    waitForCapacityTimeout: "0",
    minSize: fleet.minNodes,
    maxSize: fleet.maxNodes,
    vpcZoneIdentifier: nodeSubnetIds(fleet),
    launchTemplate: { id: template.id, version: `${template.latestVersion}` },
    targetGroupArns: Lazy.listValue({ produce: () => setup.targetGroupArns() }),
    // EC2's health, not the NLB's: with every Exchange server down every node's endpoint
    // fails, and the group would replace healthy nodes in a loop. The NLB routes around a
    // node that cannot serve; EC2's check replaces one that is gone.
    healthCheckType: "EC2",
    healthCheckGracePeriod: NODE_WARMUP_SECONDS,
    defaultInstanceWarmup: NODE_WARMUP_SECONDS,
    // The connections metric divides by the nodes in service.
    enabledMetrics: ["GroupInServiceInstances"],
    metricsGranularity: "1Minute",
    instanceRefresh: refreshOf(setup),
    tag: [
      { key: "Name", value: `${path}/node`, propagateAtLaunch: true },
      { key: NODES_TAG, value: path, propagateAtLaunch: true },
    ],
  });
}

/**
 * The refresh replaces (max - min) % of the group per batch, at least one node [EC2 Auto Scaling
 * User Guide, "How an instance refresh works"]: 100 % + 100 % / maxNodes is one node at most.
 */
/** One node at a time, launched before the old one leaves, rolled back when a node fails a check. */
function refreshOf(setup: FleetNodesSetup) {
  const { fleet } = setup;
  return {
    strategy: "Rolling",
    preferences: {
      // Launch before terminate, one node at a time: never fewer nodes in service than before.
      minHealthyPercentage: 100,
      maxHealthyPercentage: oneNodeAtATime(fleet.maxNodes),
      instanceWarmup: String(NODE_WARMUP_SECONDS),
      skipMatching: true,
      // A new node failing a VIP's check for 5 minutes (its config never applied, say) fails
      // the refresh, and the nodes are rolled back to the previous template version.
      autoRollback: true,
      alarmSpecification: setup.settings.monitoring.alarms
        ? {
            alarms: Lazy.listValue({
              produce: () => setup.alarmNames().slice(0, REFRESH_ALARMS),
            }),
          }
        : undefined,
    },
  };
}

/** The alarms an instance refresh watches at most [EC2 Auto Scaling API, AlarmSpecification]. */
const REFRESH_ALARMS = 10;

export function oneNodeAtATime(maxNodes: number): number {
  return 100 + Math.max(1, Math.floor(100 / maxNodes));
}

/** The NLB's active connections over the nodes in service, kept near the target per node. */
function connectionsTracking(setup: FleetNodesSetup, groupName: string) {
  const target = setup.fleet.scaling.target;
  return {
    customizedMetricSpecification: {
      metrics: [
        {
          id: "connections",
          metricStat: {
            metric: {
              namespace: "AWS/NetworkELB",
              metricName: "ActiveFlowCount",
              dimensions: [{ name: "LoadBalancer", value: setup.loadBalancerArnSuffix }],
            },
            stat: "Average",
          },
          returnData: false,
        },
        {
          id: "nodes",
          metricStat: {
            metric: {
              namespace: "AWS/AutoScaling",
              metricName: "GroupInServiceInstances",
              dimensions: [{ name: "AutoScalingGroupName", value: groupName }],
            },
            stat: "Average",
          },
          returnData: false,
        },
        {
          id: "perNode",
          expression: "connections / nodes",
          label: "active connections per node in service",
          returnData: true,
        },
      ],
    },
    targetValue: Lazy.numberValue({
      produce: () => target ?? Math.floor(setup.maxconn() * FLEET_DEFAULTS.connectionsShare),
    }),
  };
}

/**
 * A fleet's front: an AWS Network Load Balancer whose addresses are the VIPs, with its own
 * security group (the VIPs' clients in, the nodes out), cross-zone load balancing, and a TCP
 * listener and target group per VIP port, created as each VIP arrives (ids from values, a
 * repeat skipped). Client addresses are preserved, so the nodes' group enforces the same
 * client rules again, and HAProxy's stick tables see the client.
 */
import {
  DEREGISTRATION_DELAY_SECONDS,
  FleetListener,
  NLB_HEALTH_CHECK,
  UNHEALTHY_DRAINING_SECONDS,
  fleetListenersOf,
} from "../fleet/fleet-listeners";
import { FleetSettings } from "../fleet/fleet-settings";
import {
  Construct,
  Lb,
  LbListener,
  LbTargetGroup,
  SecurityGroup,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../framework";
import { VipDescription } from "../vips/description";
import { MonitoringSettings } from "../monitoring/settings";
import { addUnhealthyNodeAlarm } from "./fleet-alarms";
import { NAME_PREFIX } from "./names";
import { planIngress } from "./rule-plan";

export interface NetworkLoadBalancerSetup {
  readonly vpcId: string;
  readonly fleet: FleetSettings;
  /** The nodes' security group: the NLB's checks and connections go there. */
  readonly nodeSecurityGroupId: string;
  /** Its alarms' name and topic. */
  readonly monitoring: MonitoringSettings;
}

/** Elastic Load Balancing's limit on a load balancer's and a target group's name prefix. */
const NAME_PREFIX_LIMIT = 6;
/** The NLB's name prefix: the short form of NAME_PREFIX. */
const NLB_NAME_PREFIX = "exlb-";

export class NetworkLoadBalancer {
  public readonly loadBalancer: Lb;
  public readonly securityGroup: SecurityGroup;
  private readonly targetGroups: LbTargetGroup[] = [];
  /** The alarm per VIP on a node failing its check, which an instance refresh watches. */
  public readonly alarmNames: string[] = [];
  private readonly scopes: Record<"listeners" | "ingress" | "egress", Construct>;

  constructor(
    owner: Construct,
    private readonly setup: NetworkLoadBalancerSetup,
  ) {
    const { fleet, vpcId } = setup;
    this.securityGroup = new SecurityGroup(owner, "NlbSecurityGroup", {
      namePrefix: `${NAME_PREFIX}nlb-`,
      description: `Exchange load balancer ${owner.node.path}: NLB, clients in, nodes out`,
      vpcId,
      tags: { Name: `${owner.node.path}/nlb` },
    });
    this.loadBalancer = new Lb(owner, "Nlb", {
      namePrefix: NLB_NAME_PREFIX,
      loadBalancerType: "network",
      internal: fleet.scheme === "internal",
      // A node in any zone takes a client of any zone: a zone with fewer nodes is not overrun.
      enableCrossZoneLoadBalancing: true,
      // Only at creation can an NLB have a security group.
      securityGroups: [this.securityGroup.id],
      subnetMapping: fleet.subnets.map((subnet) => ({
        subnetId: subnet.subnetId,
        privateIpv4Address: subnet.vipAddress,
        allocationId: subnet.elasticIpAllocationId,
      })),
      tags: { Name: owner.node.path },
    });
    this.scopes = {
      listeners: new Construct(owner, "NlbListeners"),
      ingress: new Construct(owner, "NlbIngress"),
      egress: new Construct(owner, "NlbEgress"),
    };
    // The checks: from the NLB's group to the nodes' health endpoint.
    this.toNodes(fleet.healthCheckPort, "health checks of the nodes");
    new VpcSecurityGroupIngressRule(owner, `NlbHealthChecks-${fleet.healthCheckPort}`, {
      securityGroupId: setup.nodeSecurityGroupId,
      referencedSecurityGroupId: this.securityGroup.id,
      ipProtocol: "tcp",
      fromPort: fleet.healthCheckPort,
      toPort: fleet.healthCheckPort,
      // EC2's character set for descriptions: no apostrophe.
      description: "health checks from the Network Load Balancer",
    });
  }

  /** Every target group so far: the Auto Scaling group registers its nodes in each. */
  public get targetGroupArns(): string[] {
    return this.targetGroups.map((group) => group.arn);
  }

  /** A VIP's listeners, target groups and NLB rules not created yet. */
  public addVip(vip: VipDescription): void {
    const { listeners, ingress } = this.scopes;
    for (const rule of planIngress(vip)) {
      if (ingress.node.tryFindChild(rule.id)) continue;
      new VpcSecurityGroupIngressRule(ingress, rule.id, {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: rule.port,
        toPort: rule.port,
        cidrIpv4: rule.cidr,
        description: rule.description,
      });
    }
    for (const listener of fleetListenersOf(vip)) {
      const id = `Tcp-${listener.port}`;
      if (listeners.node.tryFindChild(id)) continue;
      this.toNodes(listener.port, vip.name);
      const group = this.targetGroup(`${id}-Targets`, listener, vip);
      this.targetGroups.push(group);
      // Every port of a VIP has the same check: one alarm, on its first.
      if (!listeners.node.tryFindChild(`UnhealthyNode_${vip.name}`)) {
        const { monitoring } = this.setup;
        const suffix = this.loadBalancer.arnSuffix;
        const alarm = addUnhealthyNodeAlarm(listeners, monitoring, vip, group, suffix);
        if (alarm) this.alarmNames.push(alarm);
      }
      new LbListener(listeners, id, {
        loadBalancerArn: this.loadBalancer.arn,
        port: listener.port,
        protocol: "TCP",
        defaultAction: [{ type: "forward", targetGroupArn: group.arn }],
      });
    }
  }

  /** The nodes on one VIP port, checked on the VIP's health path. */
  private targetGroup(id: string, listener: FleetListener, vip: VipDescription): LbTargetGroup {
    return new LbTargetGroup(this.scopes.listeners, id, {
      namePrefix: `x${listener.port}`.slice(0, NAME_PREFIX_LIMIT),
      port: listener.port,
      protocol: "TCP",
      targetType: "instance",
      vpcId: this.setup.vpcId,
      preserveClientIp: "true",
      deregistrationDelay: String(DEREGISTRATION_DELAY_SECONDS),
      connectionTermination: true,
      targetHealthState: [
        {
          enableUnhealthyConnectionTermination: false,
          unhealthyDrainingInterval: UNHEALTHY_DRAINING_SECONDS,
        },
      ],
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: String(this.setup.fleet.healthCheckPort),
        path: listener.healthPath,
        matcher: "200",
        interval: NLB_HEALTH_CHECK.intervalSeconds,
        timeout: NLB_HEALTH_CHECK.timeoutSeconds,
        healthyThreshold: NLB_HEALTH_CHECK.healthyThreshold,
        unhealthyThreshold: NLB_HEALTH_CHECK.unhealthyThreshold,
      },
      stickiness: listener.sourceIpStickiness ? { type: "source_ip", enabled: true } : undefined,
      tags: { Name: `${vip.path}:${listener.port}` },
      // A replaced group exists before the listener moves to it.
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** The NLB's group may reach the nodes' group on `port` (once per port). */
  private toNodes(port: number, description: string): void {
    const id = `ToNodes-${port}`;
    if (this.scopes.egress.node.tryFindChild(id)) return;
    new VpcSecurityGroupEgressRule(this.scopes.egress, id, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: this.setup.nodeSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
  }
}

/**
 * The third topology: HAProxy nodes in an Auto Scaling group behind a Network Load Balancer
 * (`fleet-nodes.ts`, `network-load-balancer.ts`), created before the VIPs arrive; each VIP
 * adds its listeners and target groups.
 */
import { FleetSettings, nodeSubnetIds } from "../fleet/fleet-settings";
import { idPart } from "../core/id";
import {
  AutoscalingGroup,
  Construct,
  DataAwsSubnet,
  IamRole,
  Lb,
  TerraformOutput,
} from "../framework";
import { VipDescription } from "../vips/description";
import type { Arns } from "./arns";
import { FleetNodes, FleetNodesSetup } from "./fleet-nodes";
import { fleetPolicy } from "./fleet-policy";
import type { Dependable } from "./dependencies";
import { bootAfter } from "./instances";
import { NetworkLoadBalancer } from "./network-load-balancer";

export interface FleetSetup extends Omit<
  FleetNodesSetup,
  "targetGroupArns" | "alarmNames" | "loadBalancerArnSuffix" | "fleet"
> {
  readonly fleet: FleetSettings;
  /** What the nodes' boot uses at once: the group launches none before it exists. */
  readonly bootNeeds: readonly Dependable[];
  /** The instance role, which completes a node's launch. */
  readonly role: IamRole;
  /** The load balancer's ARN builder, shared with its other policies. */
  readonly arns: () => Arns;
}

export class Fleet {
  public readonly networkLoadBalancer: Lb;
  public readonly autoScalingGroup: AutoscalingGroup;
  private readonly front: NetworkLoadBalancer;
  private cidrs?: string[];

  constructor(
    private readonly owner: Construct,
    private readonly setup: FleetSetup,
  ) {
    this.front = new NetworkLoadBalancer(owner, {
      vpcId: setup.props.vpcId,
      fleet: setup.fleet,
      nodeSecurityGroupId: setup.securityGroupId,
      monitoring: setup.settings.monitoring,
    });
    const nodes = new FleetNodes(owner, {
      ...setup,
      targetGroupArns: () => this.front.targetGroupArns,
      alarmNames: () => [...this.front.alarmNames],
      loadBalancerArnSuffix: this.front.loadBalancer.arnSuffix,
    });
    this.networkLoadBalancer = this.front.loadBalancer;
    this.autoScalingGroup = nodes.group;
    // The NLB first: a node launched before it could take one of its fixed addresses; the
    // policy that lets it complete its launch too.
    const policy = fleetPolicy(owner, setup.role, setup.arns(), setup.fleet.groupName);
    bootAfter([nodes.group], [...setup.bootNeeds, this.front.loadBalancer, policy]);
    new TerraformOutput(owner, "NlbDnsName", {
      description: "The Network Load Balancer's DNS name: its addresses in every subnet",
      value: this.networkLoadBalancer.dnsName,
    });
    new TerraformOutput(owner, "AutoScalingGroupName", { value: nodes.group.name });
  }

  /**
   * The CIDR blocks of the subnets the nodes run in (read when first asked, by the receive
   * connector script): a node's address is any of them.
   */
  public get subnetCidrs(): string[] {
    this.cidrs ??= nodeSubnetIds(this.setup.fleet).map(
      // A token's text is sanitised too; a data source's id changes nothing in AWS.
      (subnetId) =>
        new DataAwsSubnet(this.owner, `FleetSubnet-${idPart(subnetId).replace(/[^\w-]/g, "_")}`, {
          id: subnetId,
        }).cidrBlock,
    );
    return [...this.cidrs];
  }

  public addVip(vip: VipDescription): void {
    this.front.addVip(vip);
  }
}

/**
 * What private subnets without internet add around the instances: the VPC
 * endpoints (`vpcEndpoints`) and the egress to an apt proxy (`aptProxy`).
 * Nothing without either prop.
 */
import { Annotations, Construct, SecurityGroup, VpcSecurityGroupEgressRule } from "../framework";
import { idPart } from "../core/id";
import { VipDescription } from "../vips/description";
import { aptProxyOf, proxyCidr } from "./private-subnet-props";
import { ExchangeLoadBalancerProps } from "./props";
import { BootingNodes, bootAfter } from "./instances";
import { VpcEndpoints } from "./vpc-endpoints";

/** What this needs of the load balancer, once its instances exist. */
export interface PrivateSubnetsOwner extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly bootingNodes: readonly BootingNodes[];
  forEachVip(callback: (vip: VipDescription) => void): void;
}

export function addPrivateSubnetAccess(
  owner: PrivateSubnetsOwner,
  props: ExchangeLoadBalancerProps,
): void {
  const setup = {
    securityGroupId: owner.securityGroup.id,
    bootingNodes: owner.bootingNodes,
    forEachVip: (callback: (vip: VipDescription) => void) => owner.forEachVip(callback),
  };
  if (props.vpcEndpoints) {
    new VpcEndpoints(owner, "VpcEndpoints", {
      ...setup,
      vpcId: props.vpcId,
      endpoints: props.vpcEndpoints,
      pair: props.highAvailability !== undefined,
      metrics: props.monitoring?.metrics ?? true,
      logs: props.monitoring?.logs ?? false,
    });
  }
  const proxy = aptProxyOf(owner, props.aptProxy);
  if (!proxy) return;
  const cidr = proxyCidr(proxy);
  if (!cidr) {
    Annotations.of(owner).addWarning(
      `aptProxy ${proxy.host} is a name, so no egress rule to it is created (its address is not known at synth). Fix: add an egress rule to it on port ${proxy.port} to the load balancer's securityGroup, or give the proxy's address`,
    );
    return;
  }
  const rule = new VpcSecurityGroupEgressRule(owner, `AptProxy-${proxy.port}-${idPart(cidr)}`, {
    securityGroupId: setup.securityGroupId,
    ipProtocol: "tcp",
    fromPort: proxy.port,
    toPort: proxy.port,
    cidrIpv4: cidr,
    description: "Debian packages through the apt proxy",
  });
  bootAfter(setup.bootingNodes, [rule]);
}

/**
 * The AWS lab's network: a VPC with one private subnet per Availability Zone
 * (a stand-in server in each, the pair in the first) and one public subnet
 * holding a NAT gateway, the instances' only way out (Debian's mirrors, the
 * SSM agent's download, the AWS APIs). One NAT gateway, not one per zone: a
 * lab does not pay twice to survive a zone's outage.
 */
import { Fn, TerraformStack } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import type { Dependable } from "../../lib/load-balancer/dependencies";
import { idPart } from "../../lib/core/id";
import { LabAddresses } from "./addresses";

/** One Availability Zone's private subnet and the stand-in server it holds. */
export interface LabZone {
  readonly subnet: Subnet;
  readonly serverAddress: string;
  readonly serverName: string;
}

export interface LabNetwork {
  readonly vpc: Vpc;
  readonly zones: readonly [LabZone, LabZone];
  /** The routes to the NAT gateway and on to the internet: an instance booting before them installs nothing. */
  readonly wayOut: readonly Dependable[];
}

const ANYWHERE = "0.0.0.0/0";

/** The zones given, or the region's first two available ones. */
function zoneNames(stack: TerraformStack, given?: readonly string[]): (index: number) => string {
  if (given) return (index) => given[index];
  // Opt-in zones (Local, Wavelength) lack instance types and NAT gateways.
  const zones = new DataAwsAvailabilityZones(stack, "Zones", {
    state: "available",
    filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
  });
  return (index) => Fn.element(zones.names, index);
}

export function labNetwork(
  stack: TerraformStack,
  addresses: LabAddresses,
  availabilityZones?: readonly string[],
): LabNetwork {
  const vpc = new Vpc(stack, "Vpc", {
    cidrBlock: addresses.vpcCidr,
    enableDnsHostnames: true,
    enableDnsSupport: true,
    tags: { Name: stack.node.id },
  });
  const zoneName = zoneNames(stack, availabilityZones);
  const gateway = new InternetGateway(stack, "InternetGateway", { vpcId: vpc.id });
  const publicSubnet = new Subnet(stack, "PublicSubnet", {
    vpcId: vpc.id,
    cidrBlock: addresses.publicCidr,
    availabilityZone: zoneName(0),
    tags: { Name: `${stack.node.id}-public` },
  });
  const publicRoutes = new RouteTable(stack, "PublicRoutes", { vpcId: vpc.id });
  const wayOut: Dependable[] = [];
  const publicRoute = new Route(stack, "PublicDefaultRoute", {
    routeTableId: publicRoutes.id,
    destinationCidrBlock: ANYWHERE,
    gatewayId: gateway.id,
  });
  const publicAssociation = new RouteTableAssociation(stack, "PublicSubnetRoutes", {
    subnetId: publicSubnet.id,
    routeTableId: publicRoutes.id,
  });
  wayOut.push(publicRoute, publicAssociation);
  const nat = new NatGateway(stack, "NatGateway", {
    subnetId: publicSubnet.id,
    allocationId: new Eip(stack, "NatAddress", { domain: "vpc" }).id,
    dependsOn: [gateway],
  });
  const zone = (index: 0 | 1): LabZone => {
    const zone = addresses.zones[index];
    const id = idPart(zone.cidr);
    const subnet = new Subnet(stack, `Subnet${id}`, {
      vpcId: vpc.id,
      cidrBlock: zone.cidr,
      availabilityZone: zoneName(index),
      tags: { Name: `${stack.node.id}-${zone.cidr}` },
    });
    const routeTable = new RouteTable(stack, `Routes${id}`, { vpcId: vpc.id });
    const route = new Route(stack, `DefaultRoute${id}`, {
      routeTableId: routeTable.id,
      destinationCidrBlock: ANYWHERE,
      natGatewayId: nat.id,
    });
    const association = new RouteTableAssociation(stack, `SubnetRoutes${id}`, {
      subnetId: subnet.id,
      routeTableId: routeTable.id,
    });
    wayOut.push(route, association);
    return { subnet, serverAddress: zone.server, serverName: zone.serverName };
  };
  const zones = [zone(0), zone(1)] as const;
  return { vpc, zones, wayOut };
}

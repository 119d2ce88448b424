/**
 * The AWS lab's addresses, derived from its VPC CIDR: the public subnet
 * x.y.0.0/24 (the NAT gateway) and one private subnet per zone (x.y.1.0/24,
 * x.y.2.0/24), each with its stand-in server at .20. The pair's nodes (.5 and
 * .6) and the VIP (.10, a secondary private IP on the master) share the first
 * zone's subnet: a secondary IP cannot move between subnets, and the
 * placements that cross zones (route table, Elastic IP) take ids that must be
 * literal at synth, which a stack creating its own route tables cannot give.
 */
import { Construct } from "constructs";
import { fail } from "../../lib/core/errors";
import { cidrRange, formatCidr, formatIpv4, parseCidr, parseIpv4 } from "../../lib/net/ipv4";

export interface LabZoneAddresses {
  readonly cidr: string;
  /** The zone's stand-in server: its name (EX1) and address. */
  readonly serverName: string;
  readonly server: string;
}

export interface LabAddresses {
  readonly vpcCidr: string;
  readonly publicCidr: string;
  readonly zones: readonly [LabZoneAddresses, LabZoneAddresses];
  /** The pair's nodes in the first zone's subnet, preferred master first. */
  readonly nodes: readonly [string, string];
  readonly vipAddress: string;
}

const SUBNET = 256;
const NODE_HOSTS = [5, 6] as const;
const VIP_HOST = 10;
const SERVER_HOST = 20;
/** AWS reserves the first four addresses and the last of each subnet. */
const FIRST_USABLE_HOST = 4;

function checkVpcCidr(scope: Construct, vpcCidr: string): number {
  const vpc = parseCidr(vpcCidr);
  if (typeof vpc === "string") fail(scope, `vpcCidr: ${vpc}`, 'give a block such as "10.0.0.0/16"');
  if (vpc.prefix < 16 || vpc.prefix > 22) {
    fail(
      scope,
      `vpcCidr ${vpcCidr} is not a /16 to /22`,
      "give a /16 to /22: AWS allows /16 at most, and the lab cuts three /24 subnets from it",
    );
  }
  return vpc.base;
}

function checkVip(scope: Construct, vip: string, subnet: string, taken: readonly string[]): void {
  const address = parseIpv4(vip);
  const { first, last } = cidrRange(parseCidr(subnet) as { base: number; prefix: number });
  if (address === undefined || address < first + FIRST_USABLE_HOST || address >= last) {
    fail(
      scope,
      `vipAddress "${vip}" is not a usable address of the first zone's subnet ${subnet}`,
      `give an address in ${subnet} from .${FIRST_USABLE_HOST} to .254, or leave it to the default .${VIP_HOST}`,
    );
  }
  if (taken.includes(vip)) {
    fail(
      scope,
      `vipAddress ${vip} is a node's or a server's address`,
      `give another address in ${subnet}`,
    );
  }
}

export function labAddresses(
  scope: Construct,
  vpcCidr: string,
  vipAddress: string | undefined,
): LabAddresses {
  const base = checkVpcCidr(scope, vpcCidr);
  const subnet = (index: number) => base + index * SUBNET;
  const zone = (index: number): LabZoneAddresses => ({
    cidr: formatCidr({ base: subnet(index), prefix: 24 }),
    serverName: `EX${index}`,
    server: formatIpv4(subnet(index) + SERVER_HOST),
  });
  const zones = [zone(1), zone(2)] as const;
  const nodes = [
    formatIpv4(subnet(1) + NODE_HOSTS[0]),
    formatIpv4(subnet(1) + NODE_HOSTS[1]),
  ] as const;
  const vip = vipAddress ?? formatIpv4(subnet(1) + VIP_HOST);
  checkVip(scope, vip, zones[0].cidr, [...nodes, zones[0].server]);
  return {
    vpcCidr,
    publicCidr: formatCidr({ base: subnet(0), prefix: 24 }),
    zones,
    nodes,
    vipAddress: vip,
  };
}

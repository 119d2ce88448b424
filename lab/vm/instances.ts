/**
 * What AWS would know about each instance of a synthesized stack, for the boot lab:
 * its ids, addresses, MAC and the user-data exactly as synthesized, which the IMDS
 * stand-in serves and the VM boots from.
 */
import { createHash } from "node:crypto";
import { SynthesizedLoadBalancer } from "../stacks";
import { HOSTS } from "../topology";
import { macFor } from "./qemu";
import { DNS_DOMAIN, DhcpReservation, REGION } from "./vpc";

export const ACCOUNT = "111122223333";
export const PARTITION = "aws";
const SUBNET_CIDR = "192.168.30.0/24";

export interface LabInstance {
  /** Short lab name (lb, lb2, ex1): its VM's and tap's name. */
  readonly name: string;
  readonly instanceId: string;
  readonly eniId: string;
  readonly mac: string;
  /** Primary first, then the secondary private IPs it is launched with. */
  readonly localIpv4s: readonly string[];
  readonly hostname: string;
  readonly instanceType: string;
  readonly hopLimit: number;
  readonly userDataBase64: string;
}

function id(prefix: string, seed: string): string {
  return `${prefix}-0${createHash("sha256").update(seed).digest("hex").slice(0, 16)}`;
}

/** What an instance of `stackName` launched with `launched` looks like to AWS: ids, MAC, host name. */
export function labInstance(
  stackName: string,
  name: string,
  launched: {
    readonly address: string;
    readonly secondaryIps?: readonly string[];
    readonly instanceType: string;
    readonly hopLimit: number;
    readonly userDataBase64: string;
  },
): LabInstance {
  const { address, instanceType, hopLimit, userDataBase64 } = launched;
  const seed = `${stackName}/${name}`;
  return {
    name,
    instanceId: id("i", seed),
    eniId: id("eni", seed),
    mac: macFor(seed),
    localIpv4s: [address, ...(launched.secondaryIps ?? [])],
    hostname: `ip-${address.replace(/\./g, "-")}.${DNS_DOMAIN}`,
    instanceType,
    hopLimit,
    userDataBase64,
  };
}

/** The stack's instances as the lab launches them: a pair node at its fixed address, one instance at lb's. */
export function labInstances(lb: SynthesizedLoadBalancer): LabInstance[] {
  const names = ["lb", "lb2"] as const;
  return lb.nodes.map((node, i) =>
    labInstance(lb.stackName, names[i], {
      ...node,
      address: node.address ?? HOSTS[names[i]].addresses[0],
    }),
  );
}

/** The VPC's DHCP reservation of each instance: its primary address and host name by MAC. */
export function dhcpReservations(instances: readonly LabInstance[]): DhcpReservation[] {
  return instances.map((i) => ({
    mac: i.mac,
    address: i.localIpv4s[0],
    hostname: i.hostname.split(".")[0],
  }));
}

/** The IMDS stand-in's view of one instance (lab/tools/imds.js). */
export function imdsNode(instance: LabInstance, role?: object): object {
  return {
    ...instance,
    accountId: ACCOUNT,
    amiId: "ami-0lab" + instance.instanceType.replace(/\W/g, ""),
    availabilityZone: `${REGION}a`,
    availabilityZoneId: "euw2-az2",
    region: REGION,
    domain: "amazonaws.com",
    partition: PARTITION,
    subnetId: "subnet-0lab",
    subnetCidr: SUBNET_CIDR,
    vpcId: "vpc-0lab",
    vpcCidr: SUBNET_CIDR,
    securityGroupIds: ["sg-0lab"],
    reservationId: id("r", instance.instanceId),
    pendingTime: "2026-01-01T00:00:00Z",
    role,
  };
}

/**
 * Limits AWS enforces at deploy, checked at synth: the IPv4 addresses one
 * network interface holds (the VIPs are its secondary addresses) and the
 * rules of one security group per direction.
 */
import { fail } from "../core/errors";
import {
  DefaultTokenResolver,
  IConstruct,
  StringConcat,
  Token,
  Tokenization,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../framework";
import { VipDescription } from "../vips/description";

export type RuleDirection = "inbound" | "outbound";

export const DEFAULT_INSTANCE_TYPE = "t3.small";

/**
 * Private IPv4 addresses per network interface, the primary included, for the
 * types this table knows (AWS, "Maximum IP addresses per network interface":
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html).
 * A type outside it is not checked: AWS refuses at deploy.
 */
export const IPV4_PER_INTERFACE: Readonly<Record<string, number>> = Object.freeze({
  ...burstable("t3"),
  ...burstable("t3a"),
  ...general(["m5", "m6i", "m7i", "c5", "c6i", "c7i", "r5", "r6i", "r7i"]),
});

function burstable(family: string): Record<string, number> {
  const sizes = { nano: 2, micro: 2, small: 4, medium: 6, large: 12, xlarge: 15, "2xlarge": 15 };
  return Object.fromEntries(Object.entries(sizes).map(([s, n]) => [`${family}.${s}`, n]));
}

function general(families: string[]): Record<string, number> {
  const sizes = { large: 10, xlarge: 15, "2xlarge": 15, "4xlarge": 30 };
  return Object.fromEntries(
    families.flatMap((f) => Object.entries(sizes).map(([s, n]) => [`${f}.${s}`, n])),
  );
}

/**
 * Memory in MiB, for the types `IPV4_PER_INTERFACE` knows (AWS, "Amazon EC2 instance types":
 * https://aws.amazon.com/ec2/instance-types/). A type outside it is not sized: `maxconn` keeps
 * its fixed default and no worst case is checked.
 */
export const MEMORY_MIB: Readonly<Record<string, number>> = Object.freeze({
  ...sized(["t3", "t3a"], {
    nano: 0.5,
    micro: 1,
    small: 2,
    medium: 4,
    large: 8,
    xlarge: 16,
    "2xlarge": 32,
  }),
  ...sized(["m5", "m6i", "m7i"], { large: 8, xlarge: 16, "2xlarge": 32, "4xlarge": 64 }),
  ...sized(["c5", "c6i", "c7i"], { large: 4, xlarge: 8, "2xlarge": 16, "4xlarge": 32 }),
  ...sized(["r5", "r6i", "r7i"], { large: 16, xlarge: 32, "2xlarge": 64, "4xlarge": 128 }),
});

function sized(families: string[], gib: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    families.flatMap((f) => Object.entries(gib).map(([s, n]) => [`${f}.${s}`, n * 1024])),
  );
}

/**
 * Refuses a VIP whose address would not fit on the smallest of `instanceTypes`
 * (the interfaces that hold the VIPs as secondary addresses; empty when none does).
 */
export function checkVipAddressesFit(
  vip: VipDescription,
  held: readonly VipDescription[],
  instanceTypes: readonly string[],
  sourceAddresses = 0,
): void {
  const addresses = new Set([...held, vip].map((v) => v.address)).size;
  const sources = sourceAddresses > 0 ? ` and ${sourceAddresses} source addresses` : "";
  for (const type of instanceTypes) {
    const total = Token.isUnresolved(type) ? undefined : IPV4_PER_INTERFACE[type];
    if (total === undefined || addresses + sourceAddresses <= total - 1) continue;
    fail(
      vip.path,
      `${addresses} VIP addresses${sources}, but a ${type} network interface holds ${total - 1} besides its primary address`,
      `use an instance type whose interface holds more (t3.medium: 5, m6i.large: 9), or fewer VIP${sources ? " or source" : ""} addresses`,
    );
  }
}

/**
 * AWS's default quota of inbound, and of outbound, rules per security group
 * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
 */
export const SECURITY_GROUP_RULE_QUOTA = 60;

/**
 * The rules on security group `groupId` under `scope`, per direction, whoever
 * added them (VIPs, the pair, VPC endpoints, the apt proxy, the user): AWS
 * counts them all against the one quota.
 */
export function rulesOnGroup(scope: IConstruct, groupId: string): Record<RuleDirection, number> {
  // Each read of a resource's id is a new token: compare the references they resolve to.
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolved = (value: unknown) => Tokenization.resolve(value, { scope, resolver });
  const group = resolved(groupId);
  const on = (rule: { securityGroupIdInput?: string }) =>
    resolved(rule.securityGroupIdInput) === group;
  const all = scope.node.findAll();
  return {
    inbound: all.filter((c) => c instanceof VpcSecurityGroupIngressRule && on(c)).length,
    outbound: all.filter((c) => c instanceof VpcSecurityGroupEgressRule && on(c)).length,
  };
}

const QUOTA_FIX =
  "fewer client CIDRs, allowed sources or ports (each port and CIDR is one rule), or raise the quota 'Inbound or outbound rules per security group' and set securityGroupRuleQuota";

/** Refuses a VIP whose rules would take one direction of the load balancer's group beyond the quota. */
export function checkRuleQuota(
  vip: VipDescription,
  direction: RuleDirection,
  count: number,
  quota: number,
): void {
  if (count <= quota) return;
  fail(
    vip.path,
    `the load balancer's security group would have ${count} ${direction} rules, over the quota of ${quota} per direction`,
    QUOTA_FIX,
  );
}

/** At synth, every rule on the group in the stack, including those added after the VIPs. */
export function ruleQuotaProblems(
  path: string,
  counts: Record<RuleDirection, number>,
  quota: number,
): string[] {
  return (["inbound", "outbound"] as const)
    .filter((direction) => counts[direction] > quota)
    .map(
      (direction) =>
        `${path}: the load balancer's security group has ${counts[direction]} ${direction} rules, over the quota of ${quota} per direction. Fix: ${QUOTA_FIX}`,
    );
}

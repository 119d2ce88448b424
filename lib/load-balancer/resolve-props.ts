/**
 * The load balancer's props checked and resolved, every refusal before any
 * resource exists. Construct-free values the rest of the wiring reads.
 */
import { Duration } from "../core/duration";
import { fail } from "../core/errors";
import { frozenCopy } from "../core/frozen";
import { profileFor } from "../exchange/profiles";
import { Construct, Token } from "../framework";
import { isIpv4, parseCidr } from "../net/ipv4";
import {
  DEFAULT_OPERATING_SYSTEM,
  OperatingSystemRelease,
  operatingSystemRelease,
} from "../instance/operating-system";
import { PackageSource } from "../instance/package-source";
import { SourceAddresses } from "../instance/source-addresses";
import { FleetSettings } from "../fleet/fleet-settings";
import { PairSettings } from "../pair/pair-settings";
import { validateServers } from "../vips/checks";
import { VipDefaults } from "../vips/vip-host";
import { DEFAULT_INSTANCE_TYPE, MEMORY_MIB, SECURITY_GROUP_RULE_QUOTA } from "./aws-limits";
import type { AdminAccess } from "../config/admin-section";
import { adminAccessOf } from "./admin-props";
import { MonitoringSettings } from "../monitoring/settings";
import { monitoringOf } from "./monitoring-props";
import { checkId, requireConcrete } from "./checks";
import { resolveFleet } from "./fleet-props";
import { resolvePair } from "./pair-props";
import { sourceAddressesOf } from "./source-address-props";
import { checkVpcEndpoints, packageSourceOf } from "./private-subnet-props";
import { ExchangeLoadBalancerProps } from "./props";
import { warnPastEndOfSupport } from "./support-warnings";

const MAXCONN_LIMIT = 1_000_000;

/** An instance type and its memory (`MEMORY_MIB`). */
export interface SizedType {
  readonly type: string;
  readonly memoryMiB: number;
}

/** What the load balancer's props say, checked; VIPs inherit the defaults part. */
export interface LoadBalancerSettings extends VipDefaults {
  /** The `maxconn` prop; absent: sized from `memoryMiB` and the VIPs at synth. */
  readonly maxconn?: number;
  /** The instance type with the least memory, if every type is known. */
  readonly sizedType?: SizedType;
  /** The admin port and who may reach it. */
  readonly admin: AdminAccess;
  readonly operatingSystem: OperatingSystemRelease;
  readonly rootVolumeSizeGib: number;
  readonly installSsmAgent: boolean;
  /** CloudWatch metrics, alarms, dashboard and instance recovery. */
  readonly monitoring: MonitoringSettings;
  readonly pair?: PairSettings;
  /** A fleet behind a Network Load Balancer. */
  readonly fleet?: FleetSettings;
  /** Where packages and the SSM agent come from. */
  readonly packageSource: PackageSource;
  /** Seconds `cdktf deploy` waits for a config rollout; 0 does not wait. */
  readonly rolloutWaitSeconds: number;
  /** Instance types whose network interface holds the VIPs as secondary addresses. */
  readonly vipInterfaceTypes: readonly string[];
  readonly securityGroupRuleQuota: number;
  /** Each node's extra source addresses towards the real servers. */
  readonly sourceAddresses: SourceAddresses;
}

export function resolveProps(
  scope: Construct,
  props: ExchangeLoadBalancerProps,
): LoadBalancerSettings {
  const profile = profileFor(props.exchangeVersion);
  warnPastEndOfSupport(scope, props.exchangeVersion);
  const vipAddress = requireConcrete(scope, "vipAddress", props.vipAddress);
  if (!isIpv4(vipAddress)) {
    fail(
      scope,
      `vipAddress "${props.vipAddress}" is not an IPv4 address`,
      "give the VIP as a.b.c.d inside the subnet",
    );
  }
  const clientCidrs = clientCidrsOf(scope, props.clientCidrs);
  const servers = validateServers(scope, props.servers);
  const namespace = namespaceOf(scope, props.namespace ?? vipAddress);
  const maxconn = maxconnOf(scope, props.maxconn);
  const operatingSystem = operatingSystemOf(scope, props);
  const rootVolumeSizeGib = rootVolumeOf(scope, props.rootVolumeSizeGib);
  checkIds(scope, props);
  const admin = adminAccessOf(scope, props);
  const fleet = resolveFleet(scope, props, vipAddress, admin.port);
  const pair = props.highAvailability
    ? resolvePair(scope, props.highAvailability, { subnetId: props.subnetId, vipAddress })
    : undefined;
  checkVpcEndpoints(scope, props.vpcEndpoints);
  if (!pair && !fleet && props.subnetId === undefined) {
    fail(scope, "subnetId is missing", "give the subnet of the instance, e.g. subnet-0abc");
  }
  return frozenCopy({
    profile,
    vipAddress,
    clientCidrs,
    servers,
    namespace,
    maxconn,
    sizedType: smallestOf(props, pair),
    admin,
    operatingSystem,
    rootVolumeSizeGib,
    installSsmAgent: props.installSsmAgent ?? true,
    monitoring: monitoringOf(scope, props.monitoring),
    pair,
    fleet,
    packageSource: packageSourceOf(scope, props, operatingSystem),
    rolloutWaitSeconds: rolloutSecondsOf(scope, props),
    vipInterfaceTypes: fleet ? [] : vipInterfaceTypes(props, pair),
    securityGroupRuleQuota: ruleQuotaOf(scope, props.securityGroupRuleQuota),
    sourceAddresses: sourceAddressesOf(scope, props, vipAddress, { pair, fleet }),
  });
}

function checkIds(scope: Construct, props: ExchangeLoadBalancerProps): void {
  checkId(scope, "vpcId", props.vpcId, "vpc-");
  checkId(scope, "subnetId", props.subnetId, "subnet-");
  checkId(scope, "amiId", props.amiId, "ami-");
  checkId(scope, "serverSecurityGroupId", props.serverSecurityGroupId, "sg-");
}

function namespaceOf(scope: Construct, namespace: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(namespace)) {
    fail(
      scope,
      `namespace "${namespace}" is not a host name`,
      "give a DNS name such as mail.example.com",
    );
  }
  return namespace;
}

function operatingSystemOf(
  scope: Construct,
  props: ExchangeLoadBalancerProps,
): OperatingSystemRelease {
  const os = props.operatingSystem ?? DEFAULT_OPERATING_SYSTEM;
  return (
    operatingSystemRelease(os) ??
    fail(
      scope,
      `operatingSystem "${os}" is not a release this library boots`,
      "use OperatingSystem.DEBIAN_13 (the default) or OperatingSystem.DEBIAN_12",
    )
  );
}

function clientCidrsOf(scope: Construct, cidrs: readonly string[]): string[] {
  if (cidrs.length === 0) {
    fail(
      scope,
      "clientCidrs is empty, so no client could reach a VIP",
      "list the client networks, e.g. ['10.0.0.0/8']",
    );
  }
  return cidrs.map((cidr) => {
    const parsed = parseCidr(requireConcrete(scope, "clientCidrs", cidr));
    if (typeof parsed === "string")
      fail(scope, `clientCidrs: ${parsed}`, "give CIDR blocks such as 192.168.0.0/16");
    return cidr;
  });
}

function maxconnOf(scope: Construct, given: number | undefined): number | undefined {
  if (given === undefined) return undefined;
  if (!Number.isInteger(given) || given < 1 || given > MAXCONN_LIMIT) {
    fail(
      scope,
      `maxconn ${given} is not a count from 1 to ${MAXCONN_LIMIT}`,
      "give a whole number of connections",
    );
  }
  return given;
}

/** The instance type with the least memory; undefined if any type is not known (or a token). */
function smallestOf(props: ExchangeLoadBalancerProps, pair?: PairSettings): SizedType | undefined {
  const type = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
  const types = pair ? pair.nodes.map((node) => node.instanceType ?? type) : [type];
  const sized = types.map((t) => ({
    type: t,
    memoryMiB: Token.isUnresolved(t) ? undefined : MEMORY_MIB[t],
  }));
  if (sized.some((s) => s.memoryMiB === undefined)) return undefined;
  return (sized as SizedType[]).reduce((a, b) => (b.memoryMiB < a.memoryMiB ? b : a));
}

function rootVolumeOf(scope: Construct, given: number | undefined): number {
  const size = given ?? 8;
  if (!Number.isInteger(size) || size < 8) {
    fail(scope, `rootVolumeSizeGib ${size} is below the Debian AMI's 8 GiB`, "give 8 or more");
  }
  return size;
}

function rolloutSecondsOf(scope: Construct, props: ExchangeLoadBalancerProps): number {
  const agent = props.installSsmAgent ?? true;
  if (props.waitForConfigRollout === true && !agent) {
    fail(
      scope,
      "waitForConfigRollout is true but installSsmAgent is false, so no agent would report the rollout and the deploy would wait, then fail",
      "set installSsmAgent: true (it does nothing when the AMI's agent already runs), or waitForConfigRollout: false",
    );
  }
  // Without the agent nothing reports the rollout: no wait unless asked for (refused above).
  if (!(props.waitForConfigRollout ?? agent)) return 0;
  const seconds = (props.configRolloutTimeout ?? Duration.minutes(10)).toMilliseconds() / 1000;
  if (!Number.isInteger(seconds)) {
    fail(
      scope,
      `configRolloutTimeout ${seconds} s is not a whole number of seconds`,
      "give e.g. Duration.minutes(10)",
    );
  }
  return seconds;
}

/** One instance, or a pair whose VIPs are secondary IPs: the interfaces that hold them. */
function vipInterfaceTypes(props: ExchangeLoadBalancerProps, pair?: PairSettings): string[] {
  const pairType = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
  if (!pair) return [pairType];
  if (pair.placement.kind !== "secondary-ip") return [];
  return pair.nodes.map((node) => node.instanceType ?? pairType);
}

function ruleQuotaOf(scope: Construct, given: number | undefined): number {
  const quota = given ?? SECURITY_GROUP_RULE_QUOTA;
  if (!Number.isInteger(quota) || quota < SECURITY_GROUP_RULE_QUOTA || quota > 1000) {
    fail(
      scope,
      `securityGroupRuleQuota ${given} is not a quota from ${SECURITY_GROUP_RULE_QUOTA} to 1000`,
      "give your account's quota 'Inbound or outbound rules per security group'",
    );
  }
  return quota;
}

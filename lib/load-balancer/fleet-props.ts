/**
 * The fleet's props, checked at synth: subnets (one per Availability Zone) whose NLB addresses
 * fit the scheme, node counts the group can keep, a scaling target, and a health port of its own.
 */
import { fail } from "../core/errors";
import {
  FLEET_DEFAULTS,
  FleetProps,
  FleetSettings,
  FleetSubnetProps,
} from "../fleet/fleet-settings";
import { Construct } from "../framework";
import { isIpv4 } from "../net/ipv4";
import { checkId, requireConcrete } from "./checks";
import { fleetGroupName } from "./names";
import { ExchangeLoadBalancerProps } from "./props";

/**
 * A bound on a typo, far above what a site needs: 50 nodes of an m6i.large hold 9 million
 * connections. Auto Scaling's own ceiling is higher.
 */
const MAX_NODES = 50;

export function resolveFleet(
  scope: Construct,
  props: ExchangeLoadBalancerProps,
  vipAddress: string,
  adminPort: number,
): FleetSettings | undefined {
  const fleet = props.fleet;
  if (!fleet) return undefined;
  const conflicting = [
    props.highAvailability && ["highAvailability", "choose one topology: a pair or a fleet"],
    props.subnetId !== undefined && ["subnetId", "give the subnets in fleet.subnets"],
  ].filter((c): c is string[] => Array.isArray(c));
  for (const [prop, fix] of conflicting) {
    fail(scope, `${prop} is given as well as fleet`, fix);
  }
  const scheme = fleet.scheme ?? FLEET_DEFAULTS.scheme;
  if (scheme !== "internal" && scheme !== "internet-facing") {
    fail(scope, `fleet.scheme "${scheme}" is not a scheme`, 'give "internal" or "internet-facing"');
  }
  const subnets = subnetsOf(scope, fleet.subnets, scheme, vipAddress);
  const { minNodes, maxNodes } = nodeCountsOf(scope, fleet);
  return {
    groupName: fleetGroupName(scope),
    subnets,
    scheme,
    minNodes,
    maxNodes,
    scaling: scalingOf(scope, fleet),
    healthCheckPort: healthPortOf(scope, fleet, adminPort),
  };
}

function subnetsOf(
  scope: Construct,
  given: readonly FleetSubnetProps[],
  scheme: FleetSettings["scheme"],
  vipAddress: string,
): FleetSubnetProps[] {
  if (given.length === 0) {
    fail(
      scope,
      "fleet.subnets is empty",
      "give one subnet per Availability Zone (two or more, so that a zone's failure leaves one)",
    );
  }
  const ids = new Set<string>();
  const addresses = new Set<string>();
  return given.map((subnet, i) => {
    checkId(scope, "fleet.subnets[].subnetId", subnet.subnetId, "subnet-");
    checkId(scope, "fleet.subnets[].nodeSubnetId", subnet.nodeSubnetId, "subnet-");
    checkId(
      scope,
      "fleet.subnets[].elasticIpAllocationId",
      subnet.elasticIpAllocationId,
      "eipalloc-",
    );
    if (ids.has(subnet.subnetId)) {
      fail(scope, `fleet.subnets lists ${subnet.subnetId} twice`, "give each subnet once");
    }
    ids.add(subnet.subnetId);
    if (scheme === "internet-facing") return publicSubnet(scope, subnet, i);
    const address = privateAddressOf(scope, subnet, i, vipAddress);
    const nodes = subnet.nodeSubnetId === undefined ? {} : { nodeSubnetId: subnet.nodeSubnetId };
    if (address === undefined) return { subnetId: subnet.subnetId, ...nodes };
    if (addresses.has(address)) {
      fail(scope, `fleet.subnets gives ${address} twice`, "give each subnet its own address");
    }
    addresses.add(address);
    return { subnetId: subnet.subnetId, vipAddress: address, ...nodes };
  });
}

/** An internet-facing NLB's subnet: an Elastic IP or an address AWS picks, no private one. */
function publicSubnet(scope: Construct, subnet: FleetSubnetProps, i: number): FleetSubnetProps {
  if (subnet.vipAddress !== undefined) {
    fail(
      scope,
      `fleet.subnets[${i}].vipAddress is given, but an internet-facing NLB takes no private address`,
      "drop vipAddress, or give an elasticIpAllocationId for a fixed public address",
    );
  }
  return { ...subnet };
}

/** An internal NLB's private address in the subnet: the first subnet's is `vipAddress`. */
function privateAddressOf(
  scope: Construct,
  subnet: FleetSubnetProps,
  i: number,
  vipAddress: string,
): string | undefined {
  if (subnet.elasticIpAllocationId !== undefined) {
    fail(
      scope,
      `fleet.subnets[${i}].elasticIpAllocationId is given, but an internal NLB has no public address`,
      'drop elasticIpAllocationId, or set fleet.scheme: "internet-facing"',
    );
  }
  const address = subnet.vipAddress ?? (i === 0 ? vipAddress : undefined);
  if (address === undefined) return undefined;
  checkAddress(scope, i, requireConcrete(scope, "fleet.subnets[].vipAddress", address));
  if (i === 0 && address !== vipAddress) {
    fail(
      scope,
      `fleet.subnets[0].vipAddress ${address} differs from vipAddress ${vipAddress}`,
      "drop fleet.subnets[0].vipAddress: the first subnet's NLB address is vipAddress",
    );
  }
  return address;
}

function checkAddress(scope: Construct, i: number, address: string): void {
  if (!isIpv4(address)) {
    fail(
      scope,
      `fleet.subnets[${i}].vipAddress "${address}" is not an IPv4 address`,
      "give a.b.c.d inside that subnet",
    );
  }
}

function nodeCountsOf(scope: Construct, fleet: FleetProps) {
  const minNodes = fleet.minNodes ?? FLEET_DEFAULTS.minNodes;
  const maxNodes = fleet.maxNodes ?? Math.max(FLEET_DEFAULTS.maxNodes, minNodes);
  for (const [name, value] of [
    ["minNodes", minNodes],
    ["maxNodes", maxNodes],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_NODES) {
      fail(
        scope,
        `fleet.${name} ${value} is not a count from 1 to ${MAX_NODES}`,
        "give a whole number",
      );
    }
  }
  if (maxNodes < minNodes) {
    fail(
      scope,
      `fleet.maxNodes ${maxNodes} is below fleet.minNodes ${minNodes}`,
      "give maxNodes at least minNodes",
    );
  }
  return { minNodes, maxNodes };
}

function scalingOf(scope: Construct, fleet: FleetProps): FleetSettings["scaling"] {
  const metric = fleet.scaling?.metric ?? FLEET_DEFAULTS.scalingMetric;
  const target = fleet.scaling?.target;
  if (metric !== "connections" && metric !== "cpu") {
    fail(scope, `fleet.scaling.metric "${metric}" is not a metric`, 'give "connections" or "cpu"');
  }
  const ceiling = metric === "cpu" ? 100 : Number.MAX_SAFE_INTEGER;
  if (target !== undefined && (!Number.isInteger(target) || target < 1 || target > ceiling)) {
    fail(
      scope,
      `fleet.scaling.target ${target} is not ${metric === "cpu" ? "a percent from 1 to 100" : "a whole number of connections per node"}`,
      metric === "cpu" ? "give e.g. 50" : "give e.g. half the nodes' maxconn",
    );
  }
  return { metric, target: target ?? (metric === "cpu" ? FLEET_DEFAULTS.cpuPercent : undefined) };
}

function healthPortOf(scope: Construct, fleet: FleetProps, adminPort: number): number {
  const port = fleet.healthCheckPort ?? FLEET_DEFAULTS.healthCheckPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(scope, `fleet.healthCheckPort ${port} is not a port`, "give a port from 1 to 65535");
  }
  if (port === adminPort) {
    fail(
      scope,
      `fleet.healthCheckPort ${port} is the adminPort`,
      "give the health endpoint a port of its own",
    );
  }
  return port;
}

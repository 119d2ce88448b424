/**
 * The extra source addresses, checked at synth. The list form (one instance, a pair's nodes):
 * literal IPv4 addresses, none twice, none a node's or the VIP's own, every node the same
 * number (haproxy.cfg is the same on both). The count form (a fleet, whose nodes come and go):
 * a whole number. Either as many as the interface holds beside the primary address.
 */
import { fail } from "../core/errors";
import { Construct, Token } from "../framework";
import {
  NO_SOURCE_ADDRESSES,
  ONE_INSTANCE_KEY,
  SourceAddresses,
} from "../instance/source-addresses";
import { isIpv4 } from "../net/ipv4";
import { FleetSettings } from "../fleet/fleet-settings";
import { PairSettings } from "../pair/pair-settings";
import { DEFAULT_INSTANCE_TYPE, IPV4_PER_INTERFACE } from "./aws-limits";
import { requireConcrete } from "./checks";
import { ExchangeLoadBalancerProps } from "./props";

export function sourceAddressesOf(
  scope: Construct,
  props: ExchangeLoadBalancerProps,
  vipAddress: string,
  topology: { pair?: PairSettings; fleet?: FleetSettings },
): SourceAddresses {
  const { pair, fleet } = topology;
  if (fleet) return assignedAtLaunch(scope, props);
  if (typeof props.sourceAddresses === "number") {
    fail(
      scope,
      `sourceAddresses is a count (${props.sourceAddresses}), which only a fleet takes: an instance's addresses are named, so that the receive connector script allows each`,
      pair
        ? "give each node's addresses in highAvailability.nodes[].sourceAddresses"
        : 'give the addresses inside the subnet, e.g. sourceAddresses: ["10.0.1.40", "10.0.1.41"]',
    );
  }
  if (pair && props.sourceAddresses !== undefined) {
    fail(
      scope,
      "sourceAddresses is given for a pair, whose nodes are in different subnets",
      "give each node's in highAvailability.nodes[].sourceAddresses",
    );
  }
  const nodes = givenPerNode(props, pair);
  const taken = new Set([vipAddress, ...(pair?.nodes.map((node) => node.address) ?? [])]);
  for (const node of nodes) {
    for (const given of node.given) checkAddress(scope, node.prop, given, taken);
    checkFits(scope, node.prop, node.given.length, node.type);
  }
  const counts = new Set(nodes.map((node) => node.given.length));
  if (counts.size > 1) {
    fail(
      scope,
      `the nodes have ${[...counts].join(" and ")} source addresses, but both run the same haproxy.cfg`,
      "give both nodes the same number of sourceAddresses",
    );
  }
  const count = nodes[0].given.length;
  if (count === 0) return NO_SOURCE_ADDRESSES;
  return { count, nodes: nodes.map((node) => ({ key: node.key, addresses: [...node.given] })) };
}

/**
 * A fleet's count: EC2 assigns that many secondary addresses to each node's interface at launch
 * (the launch template's ipv4_address_count); a list cannot name a node launched later.
 */
function assignedAtLaunch(scope: Construct, props: ExchangeLoadBalancerProps): SourceAddresses {
  const given = props.sourceAddresses;
  if (given === undefined) return NO_SOURCE_ADDRESSES;
  if (typeof given !== "number") {
    fail(
      scope,
      "sourceAddresses is a list on a fleet, whose nodes come and go",
      `give a count instead, e.g. sourceAddresses: ${Math.max(given.length, 1)}: EC2 assigns that many to each node at launch`,
    );
  }
  if (Token.isUnresolved(given)) {
    fail(
      scope,
      "sourceAddresses is a token, but haproxy.cfg's server lines are written at synth time",
      "give the count as a literal number",
    );
  }
  const count = given;
  if (!Number.isInteger(count) || count < 0) {
    fail(scope, `sourceAddresses ${count} is not a count`, "give a whole number, 0 or more");
  }
  checkFits(scope, "sourceAddresses", count, props.instanceType ?? DEFAULT_INSTANCE_TYPE);
  if (count === 0) return NO_SOURCE_ADDRESSES;
  return { count, nodes: [], assignedAtLaunch: true };
}

/** Each node's key in the delivered list, its prop's name, its addresses and instance type. */
function givenPerNode(props: ExchangeLoadBalancerProps, pair: PairSettings | undefined) {
  return pair
    ? pair.nodes.map((node) => ({
        key: node.peerName,
        prop: `highAvailability.nodes[${node.address}].sourceAddresses`,
        given: node.sourceAddresses ?? [],
        type: node.instanceType ?? props.instanceType ?? DEFAULT_INSTANCE_TYPE,
      }))
    : [
        {
          key: ONE_INSTANCE_KEY,
          prop: "sourceAddresses",
          given: (props.sourceAddresses as string[] | undefined) ?? [],
          type: props.instanceType ?? DEFAULT_INSTANCE_TYPE,
        },
      ];
}

/** A literal IPv4 address, not the VIP's, a node's or another source address. */
function checkAddress(scope: Construct, prop: string, given: string, taken: Set<string>): void {
  const address = requireConcrete(scope, prop, given);
  if (!isIpv4(address)) {
    fail(
      scope,
      `${prop}: "${address}" is not an IPv4 address`,
      "give a.b.c.d inside the node's subnet",
    );
  }
  if (taken.has(address)) {
    fail(
      scope,
      `${prop}: ${address} is already the VIP's, a node's or another source address`,
      "give each source address once, an address of its own",
    );
  }
  taken.add(address);
}

function checkFits(scope: Construct, prop: string, count: number, type: string): void {
  const total = Token.isUnresolved(type) ? undefined : IPV4_PER_INTERFACE[type];
  if (total === undefined || count <= total - 1) return;
  fail(
    scope,
    `${prop}: ${count} addresses, but a ${type} network interface holds ${total - 1} besides its primary address`,
    "use an instance type whose interface holds more (m6i.xlarge: 14), or fewer source addresses",
  );
}

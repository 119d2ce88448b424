/**
 * The clustered pair's props, checked at synth: two nodes at fixed IPv4
 * addresses, a VIP placement that fits their subnets, a valid VRRP router id,
 * and hardware changes one node per deploy.
 */
import { fail } from "../core/errors";
import { Construct, Token } from "../framework";
import { isIpv4 } from "../net/ipv4";
import { PairNode, PairNodeProps, pairNodes } from "../pair/pair-node";
import { HighAvailabilityProps, PairSettings } from "../pair/pair-settings";
import { VipPlacement } from "../pair/vip-placement";
import { checkId, requireConcrete } from "./checks";

export function resolvePair(
  scope: Construct,
  ha: HighAvailabilityProps,
  given: { readonly subnetId?: string; readonly vipAddress: string },
): PairSettings {
  if (given.subnetId !== undefined) {
    fail(
      scope,
      "subnetId is given as well as highAvailability.nodes",
      "give each node's subnet in highAvailability.nodes and drop subnetId",
    );
  }
  const [a, b] = checkNodes(scope, ha.nodes);
  const placement = ha.vipPlacement ?? VipPlacement.secondaryIp();
  checkPlacement(scope, placement, [a, b]);
  if (given.vipAddress === a.address || given.vipAddress === b.address) {
    fail(
      scope,
      `vipAddress ${given.vipAddress} is a node's own address`,
      "give the VIP an address of its own",
    );
  }
  const virtualRouterId = ha.virtualRouterId ?? 51;
  if (!Number.isInteger(virtualRouterId) || virtualRouterId < 1 || virtualRouterId > 255) {
    fail(
      scope,
      `virtualRouterId ${virtualRouterId} is not from 1 to 255`,
      "give a whole number from 1 to 255",
    );
  }
  const elasticIpAddress = placement.kind === "elastic-ip" ? given.vipAddress : undefined;
  return { nodes: pairNodes([a, b]), placement, virtualRouterId, elasticIpAddress };
}

/** Two nodes at distinct IPv4 addresses, hardware of one node at a time. */
function checkNodes(
  scope: Construct,
  nodes: readonly PairNodeProps[],
): readonly [PairNodeProps, PairNodeProps] {
  if (nodes.length !== 2) {
    fail(scope, `highAvailability.nodes has ${nodes.length} nodes`, "give exactly two");
  }
  for (const node of nodes) {
    const address = requireConcrete(scope, "highAvailability.nodes[].address", node.address);
    if (!isIpv4(address)) {
      fail(
        scope,
        `node address "${address}" is not an IPv4 address`,
        "give a.b.c.d inside the node's subnet",
      );
    }
    checkId(scope, "highAvailability.nodes[].subnetId", node.subnetId, "subnet-");
  }
  const [a, b] = nodes;
  for (const setting of ["amiId", "instanceType"] as const) {
    if (a[setting] !== undefined && b[setting] !== undefined) {
      fail(
        scope,
        `both nodes have their own ${setting}, so one deploy would stop or replace both`,
        `roll one node per deploy: give ${setting} to one node, deploy, and once it is back as BACKUP set the pair's ${setting} and move the node setting to the other node`,
      );
    }
  }
  for (const node of nodes) checkId(scope, "highAvailability.nodes[].amiId", node.amiId, "ami-");
  if (a.address === b.address) {
    fail(scope, `both nodes have address ${a.address}`, "give each node its own address");
  }
  return [a, b];
}

/** A placement that fits the nodes' subnets, with literal resource ids. */
function checkPlacement(
  scope: Construct,
  placement: VipPlacement,
  [a, b]: readonly [PairNodeProps, PairNodeProps],
): void {
  const concreteSubnets = !Token.isUnresolved(a.subnetId) && !Token.isUnresolved(b.subnetId);
  if (placement.needsOneSubnet && concreteSubnets && a.subnetId !== b.subnetId) {
    fail(
      scope,
      `the nodes are in ${a.subnetId} and ${b.subnetId}, but a secondary private IP cannot move between subnets`,
      "use VipPlacement.routeTable({ routeTableIds }) or VipPlacement.elasticIp({ allocationId }), or put both nodes in one subnet",
    );
  }
  if (placement.kind === "route-table") {
    if (placement.routeTableIds.length === 0) {
      fail(
        scope,
        "VipPlacement.routeTable has no route tables",
        "list the route tables of the clients' subnets",
      );
    }
    for (const table of placement.routeTableIds) {
      checkId(scope, "routeTableIds", requireConcrete(scope, "routeTableIds", table), "rtb-");
    }
  }
  if (placement.kind === "elastic-ip") {
    const allocation = requireConcrete(scope, "allocationId", placement.allocationId ?? "");
    checkId(scope, "allocationId", allocation, "eipalloc-");
  }
}

/** The node of `pair` at `address`, or a refusal naming the nodes there are. */
export function pairNodeAt(
  scope: Construct,
  pair: PairSettings | undefined,
  address: string,
): PairNode {
  const node = pair?.nodes.find((n) => n.address === address);
  if (!node) {
    const nodes = pair?.nodes.map((n) => n.address).join(", ");
    fail(
      scope,
      `${address} is not a node of this pair`,
      `give one of ${nodes || "no nodes: this load balancer is one instance"}`,
    );
  }
  return node;
}

/**
 * A fleet as data: HAProxy nodes in an Auto Scaling group behind an AWS Network Load Balancer,
 * whose addresses are the VIPs. No keepalived, no address moves: the NLB is the front, and it
 * sends each connection to a node whose health endpoint says it can serve. Pure.
 */

/** The NLB's reach: from inside the VPC (and what routes to it), or from the internet. */
export type FleetScheme = "internal" | "internet-facing";

/** One Availability Zone of the fleet: a subnet the nodes and the NLB use. */
export interface FleetSubnetProps {
  readonly subnetId: string;
  /**
   * The NLB's private address in this subnet (an internal NLB only). The first subnet's is the
   * load balancer's `vipAddress`.
   * @default the first subnet: `vipAddress`; the others: one AWS picks
   */
  readonly vipAddress?: string;
  /**
   * An Elastic IP's allocation id for the NLB in this subnet (an internet-facing NLB only).
   * @default an address AWS picks
   */
  readonly elasticIpAllocationId?: string;
  /**
   * The nodes' subnet in this zone, when not the NLB's: behind an internet-facing NLB, a private
   * subnet, so that no node is in a public one.
   * @default subnetId
   */
  readonly nodeSubnetId?: string;
}

/** What the Auto Scaling group tracks to add and remove nodes. */
export interface FleetScalingProps {
  /**
   * `connections`: the NLB's active connections per node in service; `cpu`: the nodes'
   * average CPU utilisation.
   * @default "connections"
   */
  readonly metric?: FleetScalingMetric;
  /**
   * The value the group keeps each node near: connections per node, or CPU percent.
   * @default connections: half the nodes' `maxconn`; cpu: 50
   */
  readonly target?: number;
}

export type FleetScalingMetric = "connections" | "cpu";

/** The fleet's props: `ExchangeLoadBalancerProps.fleet`. */
export interface FleetProps {
  /** The subnets, one per Availability Zone, that hold the nodes and the NLB's addresses. */
  readonly subnets: readonly FleetSubnetProps[];
  /** @default "internal" */
  readonly scheme?: FleetScheme;
  /**
   * The fewest nodes the group runs.
   * @default 2: one node lost, one serves while the group replaces it
   */
  readonly minNodes?: number;
  /**
   * The most nodes the group scales to.
   * @default 4
   */
  readonly maxNodes?: number;
  /** @default connections per node, half the nodes' `maxconn` */
  readonly scaling?: FleetScalingProps;
  /**
   * The port of each node's health endpoint, which the NLB checks: `/vip/<VIP name>` answers
   * 200 while a real server of that VIP is up on the node, 503 when none is.
   * @default 8405
   */
  readonly healthCheckPort?: number;
}

/** The fleet once its props are checked. */
export interface FleetSettings {
  /** The Auto Scaling group's name: the node's user-data and the role's policy name it. */
  readonly groupName: string;
  readonly subnets: readonly FleetSubnetProps[];
  readonly scheme: FleetScheme;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly scaling: { readonly metric: FleetScalingMetric; readonly target?: number };
  readonly healthCheckPort: number;
}

/**
 * The group's launch lifecycle hook: a new node waits in Pending:Wait, out of the target
 * groups, until its ready program says the config document is applied. Fifteen minutes for the
 * boot, the SSM agent and the association; then the launch is abandoned and the group tries
 * another node [EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling lifecycle hooks"].
 */
export const LIFECYCLE_HOOK = {
  name: "exchange-lb-config-applied",
  heartbeatSeconds: 900,
  defaultResult: "ABANDON",
} as const;

/** The subnets the nodes run in, one per zone. */
export function nodeSubnetIds(fleet: FleetSettings): string[] {
  return fleet.subnets.map((subnet) => subnet.nodeSubnetId ?? subnet.subnetId);
}

/** The defaults of a fleet; each with its reason (README, "A fleet behind a Network Load Balancer"). */
export const FLEET_DEFAULTS = {
  /** Exchange's namespaces point at private addresses; publishing to the internet is a choice. */
  scheme: "internal",
  /** One node lost, one serves while the group replaces it: the guides' pair, without a standby. */
  minNodes: 2,
  /** Twice the minimum: a doubled load is met before anyone resizes the group. */
  maxNodes: 4,
  /** HAProxy's limits are connections (memory, file descriptors), not CPU, when TLS passes through. */
  scalingMetric: "connections",
  /** Half the `maxconn` a node holds: room for a lost node's clients before a new one serves. */
  connectionsShare: 0.5,
  /** AWS's own example target for average CPU, with room for a node's loss. */
  cpuPercent: 50,
  /** The port after the admin port's 8404 (HAProxy's documented stats port). */
  healthCheckPort: 8405,
} as const;

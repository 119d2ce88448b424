/**
 * The two nodes of a clustered pair as data: names, addresses and election
 * priorities derived from the values the user gives, never from positions
 * alone (the first node is the preferred master by design).
 */

/**
 * keepalived priorities of the preferred node and the other: higher wins an election. Near the
 * top of 1-254 because a backup waits its skew time, (256 - priority) / 256 of an advert
 * interval, before it takes over (RFC 3768 §6.1): 253 waits 12 ms, 100 waited 610 ms
 * (measured: a dead node cost 3.5 s in the lab with 100, keepalived's master-down 3 x 1 s +
 * skew).
 */
export const PRIORITIES = [254, 253] as const;

/** One node of the pair as the user describes it. */
export interface PairNodeProps {
  /** Subnet of this node; two subnets in two Availability Zones survive the loss of one. */
  readonly subnetId: string;
  /**
   * Fixed primary private address of this node, inside its subnet: keepalived's
   * unicast source and HAProxy's peer address.
   */
  readonly address: string;
  /**
   * This node's AMI. Changing it replaces this node alone; the pair's `amiId` is
   * used only when a node is created. One node at a time may have its own.
   * @default the load balancer's `amiId`, not followed after creation
   */
  readonly amiId?: string;
  /**
   * This node's instance type. Changing it stops and starts this node alone.
   * One node at a time may have its own.
   * @default the load balancer's `instanceType`, not followed after creation
   */
  readonly instanceType?: string;
  /**
   * This node's extra source addresses towards the real servers, inside its subnet (see the
   * load balancer's `sourceAddresses`); both nodes give the same number. EC2 assigns them
   * when the node is created.
   * @default none: the primary address alone
   */
  readonly sourceAddresses?: string[];
}

/** HAProxy `peers` section that synchronises the stick tables across the pair. */
export const PEERS_SECTION = "exchange_pair";
/** TCP port of HAProxy's peer protocol; security groups open it between the pair only. */
export const PEER_PORT = 10000;
/** IP protocol number of VRRP. */
export const VRRP_PROTOCOL = 112;

export interface PairNode extends PairNodeProps {
  /** HAProxy peer name and `haproxy -L` argument, e.g. `lb-10-0-1-5`. */
  readonly peerName: string;
  readonly peerAddress: string;
  readonly priority: number;
}

export function peerName(address: string): string {
  return `lb-${address.replace(/\./g, "-")}`;
}

/** The preferred master first; each node knows the other as its only peer. */
export function pairNodes(nodes: readonly [PairNodeProps, PairNodeProps]): [PairNode, PairNode] {
  const [first, second] = nodes;
  return [
    {
      ...first,
      peerName: peerName(first.address),
      peerAddress: second.address,
      priority: PRIORITIES[0],
    },
    {
      ...second,
      peerName: peerName(second.address),
      peerAddress: first.address,
      priority: PRIORITIES[1],
    },
  ];
}

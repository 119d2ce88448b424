/**
 * How the VIPs follow the master of a clustered pair on AWS, where no
 * gratuitous ARP can move an address: the master claims them through the AWS
 * API. Each placement says which call it makes and which resources the
 * instance role may touch for it.
 */

/** The AWS call that moves the VIPs to the master. */
export type PlacementKind = "secondary-ip" | "route-table" | "elastic-ip";

export interface RouteTablePlacementProps {
  /**
   * Route tables of every subnet whose clients use the VIPs; each gets a
   * `<vip>/32` route to the master's network interface.
   */
  readonly routeTableIds: string[];
}

export interface ElasticIpPlacementProps {
  /** Allocation id of the Elastic IP clients connect to (`eipalloc-...`). */
  readonly allocationId: string;
}

export class VipPlacement {
  /**
   * (a) Same subnet: each VIP is a secondary private IP of the master's network
   * interface; the new master takes it with `assign-private-ip-addresses
   * --allow-reassignment`. Both nodes must be in one subnet (one Availability Zone).
   */
  public static secondaryIp(): VipPlacement {
    return new VipPlacement("secondary-ip", [], undefined);
  }

  /**
   * (b) Across Availability Zones: each VIP is an address outside the VPC CIDR,
   * routed to the master's network interface in the given route tables
   * (`replace-route`); source/destination checking is off on both nodes.
   */
  public static routeTable(props: RouteTablePlacementProps): VipPlacement {
    return new VipPlacement("route-table", [...props.routeTableIds], undefined);
  }

  /**
   * (b) Across Availability Zones, internet-facing: one Elastic IP moves to the
   * master's primary address (`associate-address --allow-reassociation`).
   * HAProxy binds the wildcard address, since each node has its own; the load
   * balancer's `vipAddress` is then the Elastic IP's public address.
   */
  public static elasticIp(props: ElasticIpPlacementProps): VipPlacement {
    return new VipPlacement("elastic-ip", [], props.allocationId);
  }

  private constructor(
    public readonly kind: PlacementKind,
    public readonly routeTableIds: readonly string[],
    public readonly allocationId: string | undefined,
  ) {}

  /** True when the VIPs are not addresses of either node and HAProxy binds `0.0.0.0`. */
  public get bindsWildcard(): boolean {
    return this.kind === "elastic-ip";
  }

  /**
   * True when each node needs a public IPv4 address of its own: with an Elastic
   * IP the nodes are in public subnets, where nothing reaches the internet
   * without a public address, and at first boot neither holds the Elastic IP
   * (packages and the SSM agent would never arrive). Associating the Elastic IP
   * releases the master's own public address; the node it leaves gets a new one
   * (AWS EC2 User Guide, "Public IPv4 addresses").
   */
  public get nodesNeedPublicAddress(): boolean {
    return this.kind === "elastic-ip";
  }

  /** True when the VIPs can move only within one subnet. */
  public get needsOneSubnet(): boolean {
    return this.kind === "secondary-ip";
  }
}

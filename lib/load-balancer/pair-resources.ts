/**
 * What a clustered pair adds around its two instances: the failover policy
 * (one EC2 action on the pair's own resources), VRRP and peer rules between
 * the nodes, and for the route-table placement a `<vip>/32` route per table
 * and VIP address, which the failover program repoints at the master.
 */
import { idPart } from "../core/id";
import { Construct, IamRole, Instance, Route } from "../framework";
import { PairSettings } from "../pair/pair-settings";
import { Arns } from "./arns";
import { addressOf } from "./dependencies";
import { FailoverPolicy } from "./failover-policy";
import { PairRules } from "./pair-rules";

export interface PairResourcesProps {
  readonly pair: PairSettings;
  readonly role: IamRole;
  readonly arns: Arns;
  /** Both nodes, preferred master first. */
  readonly instances: readonly Instance[];
  readonly securityGroupId: string;
}

export class PairResources {
  private readonly routes?: Construct;

  constructor(
    owner: Construct,
    private readonly props: PairResourcesProps,
  ) {
    const { placement } = props.pair;
    new FailoverPolicy(owner, "FailoverPolicy", {
      role: props.role,
      arns: props.arns,
      placement,
      networkInterfaceIds: props.instances.map((i) => i.primaryNetworkInterfaceId),
      instanceIds: props.instances.map((i) => i.id),
    });
    new PairRules(owner, "PairRules", props.securityGroupId);
    if (placement.kind === "route-table") this.routes = new Construct(owner, "VipRoutes");
  }

  /**
   * Routes a VIP address to the preferred master in each table, once per
   * address; returns the routes' addresses, which a rollout claiming the VIP waits for.
   */
  public routeVip(address: string): string[] {
    if (!this.routes) return [];
    return this.props.pair.placement.routeTableIds.map((table) => {
      const id = `${table}-${idPart(address)}_32`;
      const existing = this.routes?.node.tryFindChild(id) as Route | undefined;
      return addressOf(existing ?? this.route(id, table, address));
    });
  }

  private route(id: string, table: string, address: string): Route {
    return new Route(this.routes as Construct, id, {
      routeTableId: table,
      destinationCidrBlock: `${address}/32`,
      networkInterfaceId: this.props.instances[0].primaryNetworkInterfaceId,
      // The failover program repoints the route at the master; Terraform only creates it.
      lifecycle: { ignoreChanges: ["network_interface_id"] },
    });
  }
}

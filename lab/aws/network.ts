/**
 * The EC2 state the failover calls change: which network interface holds each
 * secondary private IP, where each route of each route table points, and which
 * interface and private address each Elastic IP is associated with. Each
 * change is reported to `onChange`, so the lab can make its network match.
 * Refusals use EC2's codes and words (EC2 API Reference, "Error codes").
 */
import { ServiceError } from "./replies";

export interface NetworkInterface {
  readonly id: string;
  readonly instanceId: string;
  /** The primary private address first. */
  readonly privateIps: string[];
}

export interface Route {
  readonly destination: string;
  networkInterfaceId: string;
}

export interface RouteTable {
  readonly id: string;
  readonly routes: Route[];
}

export interface ElasticIp {
  readonly allocationId: string;
  readonly publicIp: string;
  association?: { id: string; networkInterfaceId: string; privateIp: string };
}

export interface NetworkSetup {
  readonly interfaces?: readonly { id: string; instanceId: string; privateIps: string[] }[];
  readonly routeTables?: readonly { id: string; routes?: Route[] }[];
  readonly elasticIps?: readonly { allocationId: string; publicIp: string }[];
}

export type NetworkChange =
  | {
      readonly kind: "private-ip";
      readonly address: string;
      readonly networkInterfaceId: string;
      readonly instanceId: string;
      readonly previousNetworkInterfaceId?: string;
    }
  | {
      readonly kind: "route";
      readonly routeTableId: string;
      readonly destination: string;
      readonly networkInterfaceId: string;
      readonly instanceId: string;
      readonly previousNetworkInterfaceId?: string;
    }
  | {
      readonly kind: "elastic-ip";
      readonly allocationId: string;
      readonly publicIp: string;
      readonly networkInterfaceId: string;
      readonly privateIp: string;
      readonly instanceId: string;
      readonly previousNetworkInterfaceId?: string;
    };

const notFound = (kind: string, id: string, code: string) =>
  new ServiceError(code, `The ${kind} ID '${id}' does not exist`);

export class Network {
  public readonly interfaces = new Map<string, NetworkInterface>();
  public readonly routeTables = new Map<string, RouteTable>();
  public readonly elasticIps = new Map<string, ElasticIp>();
  private associations = 0;

  constructor(
    setup: NetworkSetup,
    private readonly onChange: (change: NetworkChange) => void = () => {},
  ) {
    for (const i of setup.interfaces ?? [])
      this.interfaces.set(i.id, { ...i, privateIps: [...i.privateIps] });
    for (const t of setup.routeTables ?? []) {
      this.routeTables.set(t.id, { id: t.id, routes: (t.routes ?? []).map((r) => ({ ...r })) });
    }
    for (const e of setup.elasticIps ?? []) this.elasticIps.set(e.allocationId, { ...e });
  }

  public networkInterface(id: string): NetworkInterface {
    const found = this.interfaces.get(id);
    if (!found) throw notFound("networkInterface", id, "InvalidNetworkInterfaceID.NotFound");
    return found;
  }

  public instanceInterface(instanceId: string): NetworkInterface {
    const found = [...this.interfaces.values()].find((i) => i.instanceId === instanceId);
    if (!found)
      throw new ServiceError(
        "InvalidInstanceID.NotFound",
        `The instance ID '${instanceId}' does not exist`,
      );
    return found;
  }

  public holderOf(address: string): NetworkInterface | undefined {
    return [...this.interfaces.values()].find((i) => i.privateIps.includes(address));
  }

  /** AssignPrivateIpAddresses: a held address moves only with AllowReassignment. */
  public assign(networkInterfaceId: string, addresses: readonly string[], reassign: boolean): void {
    const target = this.networkInterface(networkInterfaceId);
    for (const address of addresses) {
      const holder = this.holderOf(address);
      if (holder === target) continue;
      if (holder && (!reassign || holder.privateIps[0] === address)) {
        throw new ServiceError("InvalidParameterValue", `Address ${address} is in use.`);
      }
      if (holder) holder.privateIps.splice(holder.privateIps.indexOf(address), 1);
      target.privateIps.push(address);
      this.onChange({
        kind: "private-ip",
        address,
        networkInterfaceId,
        instanceId: target.instanceId,
        previousNetworkInterfaceId: holder?.id,
      });
    }
  }

  private table(id: string): RouteTable {
    const found = this.routeTables.get(id);
    if (!found) throw notFound("routeTable", id, "InvalidRouteTableID.NotFound");
    return found;
  }

  /** ReplaceRoute refuses a route that does not exist, CreateRoute one that does (getmoto/moto#6425). */
  public route(tableId: string, destination: string, networkInterfaceId: string, create: boolean) {
    const table = this.table(tableId);
    const target = this.networkInterface(networkInterfaceId);
    const route = table.routes.find((r) => r.destination === destination);
    if (create && route) {
      throw new ServiceError(
        "RouteAlreadyExists",
        `The route identified by ${destination} already exists.`,
      );
    }
    if (!create && !route) {
      throw new ServiceError(
        "InvalidParameterValue",
        `There is no route defined for '${destination}' in the route table. Use CreateRoute instead.`,
      );
    }
    const previous = route?.networkInterfaceId;
    if (route) route.networkInterfaceId = networkInterfaceId;
    else table.routes.push({ destination, networkInterfaceId });
    if (previous === networkInterfaceId) return;
    this.onChange({
      kind: "route",
      routeTableId: tableId,
      destination,
      networkInterfaceId,
      instanceId: target.instanceId,
      previousNetworkInterfaceId: previous,
    });
  }

  public elasticIp(allocationId: string): ElasticIp {
    const found = this.elasticIps.get(allocationId);
    if (!found) throw notFound("allocation", allocationId, "InvalidAllocationID.NotFound");
    return found;
  }

  /** AssociateAddress: an associated address moves only with AllowReassociation. */
  public associate(
    allocationId: string,
    networkInterfaceId: string,
    privateIp: string,
    reassociate: boolean,
  ) {
    const eip = this.elasticIp(allocationId);
    const target = this.networkInterface(networkInterfaceId);
    if (!target.privateIps.includes(privateIp)) {
      throw new ServiceError(
        "InvalidParameterValue",
        `The specified private IP address ${privateIp} is not assigned to network interface ${networkInterfaceId}`,
      );
    }
    const previous = eip.association;
    if (previous && !reassociate && previous.networkInterfaceId !== networkInterfaceId) {
      throw new ServiceError(
        "Resource.AlreadyAssociated",
        `resource ${allocationId} is already associated with associationId ${previous.id}`,
      );
    }
    this.associations += 1;
    const id = `eipassoc-${String(this.associations).padStart(17, "0")}`;
    eip.association = { id, networkInterfaceId, privateIp };
    if (previous?.networkInterfaceId === networkInterfaceId && previous.privateIp === privateIp)
      return id;
    this.onChange({
      kind: "elastic-ip",
      allocationId,
      publicIp: eip.publicIp,
      networkInterfaceId,
      privateIp,
      instanceId: target.instanceId,
      previousNetworkInterfaceId: previous?.networkInterfaceId,
    });
    return id;
  }
}

/**
 * What every VIP shares: a construct that checks its props and describes
 * itself once, as data, to the load balancer it is added to. A subclass names
 * the Exchange service, its ports and its health check (a `VipKind`).
 */
import { fail } from "../core/errors";
import { BalanceMode } from "../exchange/balance-mode";
import { Persistence } from "../exchange/persistence";
import { RealServer } from "../exchange/real-server";
import { Annotations, Construct } from "../framework";
import { NAME, noServerReady } from "./checks";
import { VipKind, describeVip } from "./describe";
import { ADMIN_SECTION, REDIRECT_SUFFIX, VipDescription } from "./description";
import { VipOptions } from "./options";
import { DescribedVip, VipHost } from "./vip-host";

/** A virtual service: one or more ports on one address, balanced over real servers. */
export abstract class ExchangeVip extends Construct implements DescribedVip {
  /** This VIP as data: what the load balancer renders haproxy.cfg and the rest from. */
  public readonly description: VipDescription;

  /**
   * @param kind what the subclass decides, computed before this constructor runs,
   * so the description is complete when the load balancer receives it.
   */
  protected constructor(host: VipHost, id: string, options: VipOptions, kind: VipKind) {
    super(host, id);
    if (!NAME.test(id)) {
      fail(
        this,
        `VIP id "${id}" is not a valid HAProxy section name`,
        "use letters, digits, _ . : -",
      );
    }
    if (id === ADMIN_SECTION) {
      fail(this, `VIP id "${id}" is the admin port's frontend`, "choose another id");
    }
    if (id.endsWith(REDIRECT_SUFFIX)) {
      fail(
        this,
        `VIP ids ending in "${REDIRECT_SUFFIX}" are reserved for HTTP redirect frontends`,
        "choose another id",
      );
    }
    this.description = describeVip(this.node.path, id, host.vipDefaults, options, kind);
    if (noServerReady(this.description.servers)) {
      Annotations.of(this).addWarning(
        `no real server of ${id} takes new connections (each is drained or in maintenance): ` +
          "clients of this VIP are refused. Set one server's state to ready.",
      );
    }
    host.addVip(this);
  }

  /** Address clients connect to. */
  public get address(): string {
    return this.description.address;
  }

  /** Ports forwarded to the real servers. */
  public get ports(): readonly number[] {
    return this.description.ports;
  }

  /** Ports the load balancer answers itself. */
  public get redirectPorts(): readonly number[] {
    return this.description.redirectPorts;
  }

  public get servers(): readonly RealServer[] {
    return this.description.servers;
  }

  public get persistence(): Persistence {
    return this.description.persistence;
  }

  public get balance(): BalanceMode {
    return this.description.balance;
  }

  /** CIDR blocks allowed to connect, deduplicated, in the order given. */
  public get sourceCidrs(): readonly string[] {
    return this.description.sourceCidrs;
  }
}

/** The construct path a VIP will have, for refusals before its constructor can run. */
export function vipPath(host: VipHost, id: string): string {
  return `${host.node.path}/${id}`;
}

import { Duration } from "../core/duration";
import { BalanceMode } from "../exchange/balance-mode";
import { HealthCheckOptions } from "../exchange/health-check";
import { Persistence } from "../exchange/persistence";
import { RealServer } from "../exchange/real-server";

/** Idle timeouts of one VIP. */
export interface VipTimeouts {
  /**
   * Idle time allowed on the client side.
   * @default the profile's client timeout (1 h for 2010, 30 min for 2013+)
   */
  readonly client?: Duration;
  /**
   * Idle time allowed on the server side.
   * @default the profile's server timeout (1 h for 2010, 30 min for 2013+)
   */
  readonly server?: Duration;
  /**
   * Time allowed to connect to a real server.
   * @default 4 s (001 §11 step 1)
   */
  readonly connect?: Duration;
}

/** Settings every VIP accepts. */
export interface VipOptions {
  /**
   * Address clients connect to; added to the instance as a secondary private IP.
   * @default the load balancer's `vipAddress`
   */
  readonly address?: string;
  /**
   * Real servers of this VIP, e.g. separate Hub Transport servers for SMTP.
   * @default the load balancer's `servers`
   */
  readonly servers?: RealServer[];
  /**
   * Who may connect: addresses, CIDR blocks, ranges `a.b.c.d-a.b.c.e` or the short
   * form `a.b.c.50-60`. Ranges become their minimal exact CIDR cover.
   * @default the load balancer's `clientCidrs`
   */
  readonly allowedSources?: string[];
  /**
   * How a new connection picks a real server.
   * @default BalanceMode.ROUND_ROBIN (weighted, 001 §11 step 2)
   */
  readonly balance?: BalanceMode;
  /**
   * Server affinity.
   * @default the service's profile value (see the README defaults table)
   */
  readonly persistence?: Persistence;
  /**
   * Idle and connect timeouts.
   * @default the profile's timeouts
   */
  readonly timeouts?: VipTimeouts;
  /**
   * Health-check timing.
   * @default interval 1 s, rise 2, fall 3 (003 §3.1)
   */
  readonly healthCheck?: HealthCheckOptions;
  /**
   * Connections this VIP holds at once, at most the load balancer's `maxconn`; more wait in
   * its listen queue (HAProxy's frontend `maxconn`).
   * @default SMTP, IMAP and POP: a tenth of the load balancer's maxconn; others: no own limit
   */
  readonly maxconn?: number;
}

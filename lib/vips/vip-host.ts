import { ExchangeProfile } from "../exchange/profiles";
import { RealServer } from "../exchange/real-server";
import { Construct, IConstruct } from "../framework";
import { VipDescription } from "./description";

/** A VIP construct as its owner sees it: a child with its description complete. */
export interface DescribedVip extends IConstruct {
  readonly description: VipDescription;
}

/** What a VIP inherits from the load balancer it belongs to. */
export interface VipDefaults {
  readonly profile: ExchangeProfile;
  readonly vipAddress: string;
  readonly servers: readonly RealServer[];
  readonly clientCidrs: readonly string[];
  /** Host header of HTTPS health checks; the namespace clients use. */
  readonly namespace: string;
}

/**
 * The construct VIPs are added to (`ExchangeLoadBalancer`): it gives them its
 * defaults and takes each one, described, when its constructor has checked it.
 * The one thing the VIPs know of their owner, so `vips/` imports nothing of
 * `load-balancer/`.
 */
export interface VipHost extends Construct {
  readonly vipDefaults: VipDefaults;
  /**
   * Called by a VIP constructed as this host's child, with its description
   * complete; refuses a VIP that conflicts with those it holds.
   */
  addVip(vip: DescribedVip): void;
}

import { ExchangeProfile } from "../exchange/profiles";
import { RealServer } from "../exchange/real-server";
import { Construct } from "../framework";
import { VipDescription } from "./description";

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
 * defaults and takes each one's finished description.
 */
export interface VipHost extends Construct {
  readonly vipDefaults: VipDefaults;
  /** Takes a VIP's description; refuses one that conflicts with the VIPs it holds. */
  addVip(description: VipDescription): void;
}

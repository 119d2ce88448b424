/** The clustered pair as its props describe it, and as the load balancer uses it once checked. */
import { PairNode, PairNodeProps } from "./pair-node";
import { VipPlacement } from "./vip-placement";

/** The clustered pair. */
export interface HighAvailabilityProps {
  /** The two nodes; the first is the preferred master. */
  readonly nodes: readonly [PairNodeProps, PairNodeProps];
  /**
   * How the VIPs follow the master.
   * @default VipPlacement.secondaryIp(): both nodes in one subnet
   */
  readonly vipPlacement?: VipPlacement;
  /**
   * VRRP virtual router id; unique among VRRP pairs whose packets can meet.
   * @default 51
   */
  readonly virtualRouterId?: number;
}

/** The pair once its props are checked: both nodes, preferred master first. */
export interface PairSettings {
  readonly nodes: readonly [PairNode, PairNode];
  readonly placement: VipPlacement;
  readonly virtualRouterId: number;
  /** An Elastic IP pair's public address (the load balancer's `vipAddress`), which the master checks it holds. */
  readonly elasticIpAddress?: string;
}

/** The Exchange release whose load-balancing guide sets the defaults. */
export enum ExchangeVersion {
  /** Guides 001 (Loadbalancer.org) and 003 (HAProxy ALOHA). */
  EXCHANGE_2010 = "2010",
  /** Guide 004 (Loadbalancer.org, SNAT mode), guide 002 (Kemp) where 004 is silent. */
  EXCHANGE_2013 = "2013",
  /** As 2013: same client access architecture (guide 004). */
  EXCHANGE_2016 = "2016",
  /** As 2013: same client access architecture (guide 004). */
  EXCHANGE_2019 = "2019",
  /**
   * Exchange Server Subscription Edition (July 2025): code-equivalent to 2019
   * CU15, so the 2019 profile (guide 004).
   */
  EXCHANGE_SE = "SE",
}

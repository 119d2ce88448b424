/** How a VIP picks a real server for a new connection. */
export enum BalanceMode {
  /**
   * Weighted round robin: what Microsoft recommends, because least-connection
   * floods a server that has just come back (001 §11 step 2, 004 §11).
   */
  ROUND_ROBIN = "roundrobin",
  /** Least connections (the ALOHA guide's choice, 003 §3.1). */
  LEAST_CONNECTIONS = "leastconn",
  /** Hash of the client address: persistence without a table. */
  SOURCE_HASH = "source",
}

/** An Exchange server behind the load balancer (the guides' "real server", RIP). */
export interface RealServer {
  /** Label as in the guides, e.g. `CAS1`; becomes the HAProxy server name. */
  readonly name: string;
  /** Private IPv4 address of the server. */
  readonly address: string;
  /**
   * Share of new connections relative to the other servers, 0-256; 0 drains.
   * @default 100 (001 §11 step 2, real server weight)
   */
  readonly weight?: number;
}

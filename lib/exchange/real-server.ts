/**
 * What a real server is asked to do, the appliances' drain and halt buttons (004 §12, System
 * Overview; 002 §2.2.4, drop at drain time end) as code.
 */
export enum RealServerState {
  /** In service. */
  READY = "ready",
  /**
   * No new connections, clients held to it by persistence included; established sessions
   * carry on. Rendered as `weight 0`, HAProxy's drain in a config.
   */
  DRAIN = "drain",
  /** Out of service: no traffic at all. Rendered as `disabled`, HAProxy's maintenance. */
  MAINTENANCE = "maintenance",
}

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
  /**
   * Ready, drain or maintenance, rolled out like any config change. A state set at run time
   * (the `SetServerState` document) stays until this prop changes or another run-time change.
   * @default RealServerState.READY
   */
  readonly state?: RealServerState;
}

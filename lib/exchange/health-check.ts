import { Duration } from "../core/duration";

/** Timing of a VIP's health checks; what is checked depends on the VIP. */
export interface HealthCheckOptions {
  /**
   * Time between two checks of one real server.
   * @default the profile's interval (1 s, 003 §3.1)
   */
  readonly interval?: Duration;
  /**
   * How long a check may wait for its answer once connected.
   * @default the profile's check timeout (4 s)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failed checks before a server is marked down.
   * @default the profile's fall count (3, 003 §3.1)
   */
  readonly fall?: number;
  /**
   * Consecutive passed checks before a server is marked up again.
   * @default the profile's rise count (2, 003 §3.1)
   */
  readonly rise?: number;
}

/**
 * The bridge-servers list file: one line per real server of a VIP that
 * re-encrypts to its servers (bridge mode), which the same-certificate program
 * reads to compare the certificate each server presents with the VIP's bundle:
 * `<vip> <required|reported> <bundle path> <SNI> <server> <address>:<port>`.
 * Extended Protection works through a bridge only when both are the same
 * certificate ("Configure Windows Extended Protection in Exchange Server",
 * Microsoft Learn: SSL bridging is supported only with the same certificate on
 * the load balancer and Exchange). Pure.
 */

export interface BridgedServer {
  /** The VIP's name (its sections in haproxy.cfg). */
  readonly vip: string;
  /** A different certificate fails the rollout; otherwise it is only reported. */
  readonly required: boolean;
  /** Where HAProxy reads the VIP's bundle. */
  readonly bundle: string;
  /** The host name sent as SNI, as HAProxy sends it. */
  readonly sni: string;
  /** The real server's name, e.g. `CAS1`. */
  readonly server: string;
  readonly address: string;
  readonly port: number;
}

export function renderBridgeServerList(servers: readonly BridgedServer[]): string {
  return servers
    .map(
      (s) =>
        `${s.vip} ${s.required ? "required" : "reported"} ${s.bundle} ${s.sni} ${s.server} ${s.address}:${s.port}\n`,
    )
    .join("");
}

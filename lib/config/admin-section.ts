/**
 * The admin port of each node: HAProxy's built-in Prometheus exporter and its read-only stats
 * page (no `stats admin`: nothing on it changes a server), on the node's primary address only,
 * never a VIP. Who reaches it is the security group's (`adminCidrs`). Pure.
 */
import { AdminFrontend } from "../haproxy/model";
import { SOURCE_ADDRESS_ENV } from "../instance/source-addresses";
import { ADMIN_SECTION } from "../vips/description";

/** The admin port and who may reach it, as the load balancer's props give them. */
export interface AdminAccess {
  readonly port: number;
  /** CIDR blocks the security group lets in; none: the port answers nobody off the node. */
  readonly cidrs: readonly string[];
}

/** HAProxy's exporter and stats page paths. */
export const METRICS_PATH = "/metrics";
export const STATS_PATH = "/stats";

export function adminFrontendOf(admin: AdminAccess): AdminFrontend {
  return {
    name: ADMIN_SECTION,
    // The primary address HAProxy's unit gives it; unset (`haproxy -c` off the node): 127.0.0.1.
    address: `"\${${SOURCE_ADDRESS_ENV}-127.0.0.1}"`,
    port: admin.port,
    metricsPath: METRICS_PATH,
    statsPath: STATS_PATH,
    comments: [
      `Admin port: Prometheus exporter (${METRICS_PATH}) and read-only stats page (${STATS_PATH}) on`,
      "the node's primary address; the security group admits adminCidrs only (004 §12, System",
      "Overview) [HAProxy 2.6 management guide, 9.4 Prometheus exporter; manual, 4.2 stats]",
    ],
  };
}

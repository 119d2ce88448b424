/**
 * A fleet node's health endpoint, which the NLB checks: per VIP, 200 while one of its backends
 * has a usable real server on this node, 503 when none has; nothing answers when HAProxy is
 * down. On the node's primary address, where the NLB's checks arrive. Pure.
 */
import { HealthFrontend, ProxyGroup } from "../haproxy/model";
import { FleetSettings } from "../fleet/fleet-settings";
import { HEALTH_SECTION, healthPath } from "../fleet/fleet-listeners";
import { SOURCE_ADDRESS_ENV } from "../instance/source-addresses";

/** Why a node booted from its user-data answers 503: its config may be older than the document's. */
export const WAITING_FOR_CONFIG = "waiting for the config document";

/**
 * @param boot the copy in the user-data: a node launched later boots with the first deploy's
 * config, so it answers 503 until State Manager has applied the current config document
 */
export function healthFrontendOf(
  fleet: FleetSettings,
  vips: readonly { readonly name: string; readonly group: ProxyGroup }[],
  boot = false,
): HealthFrontend {
  return {
    name: HEALTH_SECTION,
    // The primary address HAProxy's unit gives it; unset (`haproxy -c` off the node): 127.0.0.1.
    address: `"\${${SOURCE_ADDRESS_ENV}-127.0.0.1}"`,
    port: fleet.healthCheckPort,
    checks: vips.map(({ name, group }) => ({
      path: healthPath(name),
      backends: group.backends.map((backend) => backend.name),
    })),
    notReady: boot ? WAITING_FOR_CONFIG : undefined,
    comments: [
      "Health endpoint of a fleet node, checked by the NLB: a VIP's path answers 200 while one of",
      "its backends has a usable real server here, 503 when none has; a node whose HAProxy is",
      "down answers nothing. Either way the NLB sends this node no new connection for that VIP",
      '[ELB Network Load Balancers guide, "Health checks"; HAProxy 2.6 manual, 7.3.2 nbsrv].',
      ...(boot
        ? [
            "This copy came with the user-data, which may be older than the config document: every",
            "path answers 503 until State Manager has applied the document (README, fleet).",
          ]
        : []),
    ],
  };
}

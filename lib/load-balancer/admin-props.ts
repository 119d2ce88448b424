/** The admin port's props checked: a port no VIP and no peer uses, and CIDR blocks. */
import { fail } from "../core/errors";
import type { AdminAccess } from "../config/admin-section";
import { Construct } from "../framework";
import { parseCidr } from "../net/ipv4";
import { PEER_PORT } from "../pair/pair-node";
import { requireConcrete } from "./checks";
import { ExchangeLoadBalancerProps } from "./props";

/** HAProxy's documented port for its stats page and exporter. */
export const DEFAULT_ADMIN_PORT = 8404;

export function adminAccessOf(scope: Construct, props: ExchangeLoadBalancerProps): AdminAccess {
  const port = props.adminPort ?? DEFAULT_ADMIN_PORT;
  // Below 1024: ports of the node's own services (SSH on 22) and of Exchange's protocols.
  if (!Number.isInteger(port) || port < 1024 || port > 65535 || port === PEER_PORT) {
    fail(
      scope,
      `adminPort ${port} is not a free TCP port (1024-65535, not the pair's ${PEER_PORT})`,
      `give another port, e.g. ${DEFAULT_ADMIN_PORT}`,
    );
  }
  const cidrs = (props.adminCidrs ?? []).map((cidr) => {
    const parsed = parseCidr(requireConcrete(scope, "adminCidrs", cidr));
    if (typeof parsed === "string") {
      fail(scope, `adminCidrs: ${parsed}`, "give CIDR blocks such as 10.0.50.0/24");
    }
    return cidr;
  });
  return { port, cidrs: [...new Set(cidrs)] };
}

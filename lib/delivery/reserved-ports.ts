/**
 * The listener ports kept out of the ephemeral range
 * (`net.ipv4.ip_local_reserved_ports`), in a sysctl file of their own: written
 * at boot and rewritten by the out-of-band apply script, so a port added with
 * a later config is reserved before HAProxy reloads to bind it. An outgoing
 * connection (a health check, a proxied connection) holding a listener port
 * would make that bind fail, even from TIME-WAIT.
 */

export const RESERVED_PORTS_PATH = "/etc/sysctl.d/61-exchange-lb-reserved-ports.conf";

/** The static RPC range Microsoft recommends (001 §10 step 2); reserved whole, ports may move. */
const STATIC_RPC_RANGE = { first: 59531, last: 60554 } as const;

/** The ephemeral range the boot sysctl sets (`ip_local_port_range`). */
export const EPHEMERAL_PORTS = { first: 1024, last: 65023 } as const;

/** Listener ports inside the ephemeral range in ascending order, then the static RPC range. */
export function reservedPorts(listenPorts: readonly number[]): string {
  const inRange = [...new Set(listenPorts)]
    .filter(
      (port) =>
        port >= EPHEMERAL_PORTS.first &&
        port <= EPHEMERAL_PORTS.last &&
        (port < STATIC_RPC_RANGE.first || port > STATIC_RPC_RANGE.last),
    )
    .sort((a, b) => a - b);
  return [...inRange, `${STATIC_RPC_RANGE.first}-${STATIC_RPC_RANGE.last}`].join(",");
}

/** The sysctl file's content. */
export function renderReservedPorts(listenPorts: readonly number[]): string {
  return [
    "# HAProxy's listener ports, never an outgoing connection's (kept by exchange-lb-apply).",
    `net.ipv4.ip_local_reserved_ports = ${reservedPorts(listenPorts)}`,
    "",
  ].join("\n");
}

/**
 * The listener ports kept out of the ephemeral range
 * (`net.ipv4.ip_local_reserved_ports`), in a sysctl file of their own: written
 * at boot and rewritten by the apply program, so a port added with a later
 * config is reserved before HAProxy reloads to bind it. An outgoing connection
 * (a health check, a proxied connection) holding a listener port would make
 * that bind fail, even from TIME-WAIT.
 */
import { STATIC_RPC_PORT_RANGE } from "../exchange/profiles";
import { EPHEMERAL_PORTS } from "../instance/base";

/**
 * Listener ports inside the ephemeral range in ascending order, then the
 * static RPC range, reserved whole since its ports may move.
 */
export function reservedPorts(listenPorts: readonly number[]): string {
  const { min, max } = STATIC_RPC_PORT_RANGE;
  const inRange = [...new Set(listenPorts)]
    .filter(
      (port) =>
        port >= EPHEMERAL_PORTS.first && port <= EPHEMERAL_PORTS.last && (port < min || port > max),
    )
    .sort((a, b) => a - b);
  return [...inRange, `${min}-${max}`].join(",");
}

/** The sysctl file's content. */
export function renderReservedPorts(listenPorts: readonly number[]): string {
  return [
    "# HAProxy's listener ports, never an outgoing connection's (kept by exchange-lb-apply).",
    `net.ipv4.ip_local_reserved_ports = ${reservedPorts(listenPorts)}`,
    "",
  ].join("\n");
}

/**
 * The VIP addresses a node puts on its interface, one per line, in a file of
 * their own: the boot unit, the failover script and the out-of-band apply
 * script all read it, so a VIP change is delivered with haproxy.cfg and never
 * through user-data.
 */
export const VIP_LIST_PATH = "/etc/exchange-lb/vips";

export function renderVipList(addresses: readonly string[]): string {
  return addresses.map((address) => `${address}\n`).join("");
}

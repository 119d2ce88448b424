/**
 * The VIP addresses a node puts on its interface, one per line, in a file of
 * their own: the boot unit, the failover program and the apply program all
 * read it, so a VIP change is delivered with haproxy.cfg and never through
 * user-data.
 */
export function renderVipList(addresses: readonly string[]): string {
  return addresses.map((address) => `${address}\n`).join("");
}

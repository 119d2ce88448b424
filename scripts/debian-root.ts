/**
 * Where scripts/debian-root.sh keeps a release's tree (root/, bin/): the one
 * place the tests and the lab read it from. EXCHANGE_LB_CACHE moves the base,
 * there and here.
 */
import { join } from "node:path";

export const DEBIAN_ROOT_CACHE = process.env.EXCHANGE_LB_CACHE ?? "/var/cache/exchange-lb-cdktf";

/** The tree of Debian `release` under `cache`, as scripts/debian-root.sh links it. */
export function debianTreePath(release: number, cache = DEBIAN_ROOT_CACHE): string {
  return join(cache, `debian-${release}`);
}

/**
 * Where `scripts/debian-root.sh` keeps another Debian release's root and tools.
 * The test command builds it; a missing root fails the test that needs it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

export function debianTree(release: number): string {
  const tree = join(
    process.env.EXCHANGE_LB_CACHE ?? "/var/cache/exchange-lb-cdktf",
    `debian-${release}`,
  );
  if (!existsSync(join(tree, ".complete"))) {
    throw new Error(
      `No Debian ${release} root at ${tree}. Run ./scripts/test.sh, or scripts/debian-root.sh ${release}`,
    );
  }
  return tree;
}

export function debianRoot(release: number): string {
  return join(debianTree(release), "root");
}

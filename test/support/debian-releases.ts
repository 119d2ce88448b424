/**
 * The Debian releases the load balancer runs on, each with its own HAProxy,
 * keepalived, cloud-init and journalctl: the tests check every rendered file with each.
 * Debian 12's tools are this host's; Debian 13's are in the root
 * scripts/debian-root.sh builds and caches (the test command runs it), found
 * through scripts/debian-root.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEBIAN_ROOT_CACHE, debianTreePath } from "../../scripts/debian-root";

export type Tool = "haproxy" | "keepalived" | "cloud-init" | "journalctl";

export interface DebianRelease {
  /** "Debian 13", as messages name it. */
  readonly name: string;
  readonly number: number;
  /** scripts/debian-root.sh's tree (root/, bin/); undefined: this host (it runs this release). */
  readonly tree?: string;
}

/** scripts/debian-root.sh's cache; EXCHANGE_LB_CACHE overrides it there and here. */
export const DEBIAN_CACHE = DEBIAN_ROOT_CACHE;

/** The releases with their tools, Debian 13's under `cache`. */
export function debianReleases(cache: string): readonly DebianRelease[] {
  return [
    { name: "Debian 12", number: 12 },
    { name: "Debian 13", number: 13, tree: debianTreePath(13, cache) },
  ];
}

export const DEBIAN_RELEASES = debianReleases(DEBIAN_CACHE);

/** The release's tree as scripts/debian-root.sh completed it; missing: fails, naming how to build it. */
function treeOf(release: DebianRelease & { tree: string }): string {
  if (!existsSync(join(release.tree, ".complete"))) {
    throw new Error(
      `${release.name}'s tools are missing: no complete root at ${release.tree}. Build it with ` +
        `./scripts/test.sh or scripts/debian-root.sh ${release.number}`,
    );
  }
  return release.tree;
}

/** The command that runs the release's tool: the host's, or the one in its tree's bin/. */
export function toolCommand(release: DebianRelease, tool: Tool): string {
  return release.tree ? join(treeOf({ ...release, tree: release.tree }), "bin", tool) : tool;
}

/** The root directory of a release built by scripts/debian-root.sh (its apt, for chroot). */
export function debianRoot(number: number): string {
  const release = DEBIAN_RELEASES.find((r) => r.number === number && r.tree);
  if (!release?.tree) throw new Error(`Debian ${number} has no root: it is the host's release`);
  return join(treeOf({ ...release, tree: release.tree }), "root");
}

const VERSION: Record<Tool, { args: string[]; label: string; pattern: RegExp }> = {
  haproxy: { args: ["-v"], label: "HAProxy", pattern: /HAProxy version (\S+?)-/ },
  keepalived: { args: ["-v"], label: "keepalived", pattern: /Keepalived v(\S+)/ },
  "cloud-init": { args: ["--version"], label: "cloud-init", pattern: /cloud-init (\S+)/ },
  journalctl: { args: ["--version"], label: "systemd", pattern: /systemd (\d+)/ },
};

const versions = new Map<string, string>();

/** "HAProxy 3.0.11": the tool and the version the release runs, for messages. */
export function toolVersion(release: DebianRelease, tool: Tool): string {
  const command = toolCommand(release, tool);
  const known = versions.get(command);
  if (known) return known;
  const { args, label, pattern } = VERSION[tool];
  const result = spawnSync(command, args, { encoding: "utf8" });
  const version = pattern.exec(`${result.stdout}${result.stderr}`)?.[1] ?? "(unknown version)";
  versions.set(command, `${label} ${version}`);
  return `${label} ${version}`;
}

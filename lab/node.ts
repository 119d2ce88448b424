/**
 * A lab load-balancer node: a namespace plus a root directory whose parts are
 * bind-mounted over the real paths (/etc/haproxy, /etc/keepalived,
 * /etc/exchange-lb, /usr/local/sbin, /run, ...) in a private mount namespace,
 * so the files the synthesized user-data writes run at the paths they name,
 * one set per node, without touching the host's copies.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PATHS } from "../lib/instance/paths";
import { releasePath } from "./release";
import { LAB_DIR } from "./servers";
import { Result, ShOptions, sh } from "./shell";
import { HOSTS } from "./topology";

export interface LabNode {
  readonly name: "lb" | "lb2";
  readonly ns: string;
  readonly address: string;
  readonly root: string;
}

function node(name: "lb" | "lb2"): LabNode {
  return {
    name,
    ns: HOSTS[name].ns,
    address: HOSTS[name].addresses[0],
    root: join(LAB_DIR, "nodes", name),
  };
}

export const LB_NODES = { lb: node("lb"), lb2: node("lb2") } as const;
export const ALL_NODES: readonly LabNode[] = [LB_NODES.lb, LB_NODES.lb2];

/** Where the lab's stand-in AWS CLI lives, ahead of Debian's on the instance's PATH. */
export const LAB_BIN = "/usr/local/bin";

/**
 * Real path -> path under the node's root: the directories of the instance's
 * files (PATHS), Debian's /etc/default/haproxy, the lab's bin and /run.
 */
const MOUNTS: readonly string[] = [
  dirname(PATHS.HAPROXY_CONFIG),
  dirname(PATHS.KEEPALIVED_CONFIG),
  dirname(PATHS.SETTINGS),
  PATHS.HAPROXY_DEFAULTS,
  dirname(PATHS.SYSCTL),
  dirname(PATHS.APPLY_PROGRAM),
  dirname(PATHS.FUNCTIONS),
  LAB_BIN,
  dirname(PATHS.APPLY_HISTORY),
  // The failover and VIP programs write networkd drop-ins here: the node's, never the host's.
  PATHS.NETWORKD_DIR,
  // The config document's installer writes the metrics unit here: the node's, never the host's.
  dirname(PATHS.METRICS_SERVICE),
  "/run",
];
/** Mount points the host lacks; created empty for the lab and removed by `removeMountPoints`. */
const HOST_MOUNT_POINTS = [
  dirname(PATHS.SETTINGS),
  dirname(PATHS.APPLY_HISTORY),
  dirname(PATHS.SYSCTL),
  dirname(PATHS.FUNCTIONS),
];

/** Where a real path of the node lives on the host. */
export function nodePath(n: LabNode, realPath: string): string {
  const mount = MOUNTS.find((m) => realPath === m || realPath.startsWith(`${m}/`));
  if (!mount) throw new Error(`${realPath} is not under a lab node mount`);
  return join(n.root, realPath);
}

/** Creates the node's root: every mounted directory, and an empty Debian defaults file. */
export function prepareNode(n: LabNode): void {
  for (const point of HOST_MOUNT_POINTS) mkdirSync(point, { recursive: true });
  for (const mount of MOUNTS) {
    if (mount === PATHS.HAPROXY_DEFAULTS) {
      mkdirSync(join(n.root, dirname(mount)), { recursive: true });
      if (!existsSync(join(n.root, mount))) writeFileSync(join(n.root, mount), "");
    } else mkdirSync(join(n.root, mount), { recursive: true });
  }
  // Debian's haproxy.service has RuntimeDirectory=haproxy: the admin socket's directory.
  mkdirSync(join(n.root, dirname(PATHS.HAPROXY_ADMIN_SOCKET)), { recursive: true });
}

export function removeMountPoints(): void {
  for (const point of HOST_MOUNT_POINTS) {
    try {
      rmdirSync(point);
    } catch {
      // not empty or already gone: leave it
    }
  }
}

/** Writes a file at its real path inside the node. */
export function writeNodeFile(n: LabNode, realPath: string, content: string, mode = 0o644): void {
  const path = nodePath(n, realPath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode });
}

/**
 * The command line that runs `cmd` in the node's namespace with the node's
 * mounts, and the lab's release's HAProxy and keepalived first on its PATH.
 */
export function nodeCommand(n: LabNode, cmd: readonly string[]): string[] {
  const mounts = MOUNTS.map((m) => `mount --bind '${join(n.root, m)}' '${m}'`).join(" && ");
  const shell = ["sh", "-c", `${mounts} && exec "$@"`, "lab-node", ...cmd];
  return [
    "ip",
    "netns",
    "exec",
    n.ns,
    "env",
    `PATH=${releasePath(process.env.PATH ?? "")}`,
    ...shell,
  ];
}

export function inNode(n: LabNode, cmd: readonly string[], options: ShOptions = {}): Result {
  return sh(nodeCommand(n, cmd), options);
}

/** Starts a long-running process in the node, detached, its output appended to `log`. */
export function startInNode(n: LabNode, cmd: readonly string[], log: string): number {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, "a");
  const [command, ...args] = nodeCommand(n, cmd);
  const child = spawn(command, args, { detached: true, stdio: ["ignore", fd, fd] });
  child.unref();
  return child.pid!;
}

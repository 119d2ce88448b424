/**
 * A release's real HAProxy running a node's haproxy.cfg under an InstanceRoot, in a network
 * namespace of its own, as Debian's unit starts it (master-worker, a master CLI): the config
 * with its admin socket and state file moved under the root, the admin socket's answers.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PATHS } from "../../lib/instance/paths";
import { DebianRelease, toolCommand } from "./debian-releases";
import { InstanceRoot } from "./instance-root";

/** Writes the config as the node runs it, its socket and state file under the root. */
export function installConfig(root: InstanceRoot, config: string): void {
  mkdirSync(dirname(root.path(PATHS.HAPROXY_ADMIN_SOCKET)), { recursive: true });
  root.write(
    PATHS.HAPROXY_CONFIG,
    config
      .replace(PATHS.HAPROXY_ADMIN_SOCKET, root.path(PATHS.HAPROXY_ADMIN_SOCKET))
      .replace(PATHS.SERVER_STATE, root.path(PATHS.SERVER_STATE)),
  );
}

/** One command on the admin socket; its answer. */
export function adminCommand(root: InstanceRoot, command: string): string {
  const socket = root.path(PATHS.HAPROXY_ADMIN_SOCKET);
  return spawnSync("socat", ["-t", "5", "-", `UNIX-CONNECT:${socket}`], {
    input: `${command}\n`,
    encoding: "utf8",
  }).stdout;
}

/**
 * Starts the installed config in a new network namespace with only lo up; `setup` runs there
 * first (addresses for the VIPs or a real server).
 */
export function startHaproxy(
  root: InstanceRoot,
  release: DebianRelease,
  setup: string[] = [],
): void {
  const pidfile = root.path(PATHS.HAPROXY_PIDFILE);
  const script = [
    "ip link set lo up",
    "sysctl -q net.ipv4.ip_nonlocal_bind=1",
    ...setup,
    // As Debian's unit runs it: a master CLI beside the admin socket.
    `exec ${toolCommand(release, "haproxy")} -W -D -p ${pidfile} -S ${root.path(PATHS.HAPROXY_MASTER_SOCKET)} -f ${root.path(PATHS.HAPROXY_CONFIG)}`,
  ].join("; ");
  const started = spawnSync("unshare", ["--net", "sh", "-c", script], { encoding: "utf8" });
  if (started.status !== 0) throw new Error(`HAProxy did not start: ${started.stderr}`);
}

/**
 * HAProxy's log in a lab node, as an instance has it. haproxy.cfg logs to /dev/log from
 * its chroot (/var/lib/haproxy), where Debian's haproxy.service binds the journal's socket
 * (BindReadOnlyPaths=/dev/log:/var/lib/haproxy/dev/log). The lab binds a socket of the
 * node's there, in HAProxy's own mount namespace only, and a receiver appends each message
 * to a file of the node's: a scenario reads the health-check transitions from it.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { LabNode, nodePath, startInNode } from "./node";
import { sh } from "./shell";

/** Where the unit binds the journal's socket: /dev/log seen from HAProxy's chroot. */
const CHROOT_DEV_LOG = "/var/lib/haproxy/dev/log";
/** The node's syslog socket and the file its messages go to (under the node's /run). */
const SOCKET = "/run/lab-haproxy-log.sock";
const LOG = "/run/lab-haproxy.log";
const RECEIVER_PID = "/run/lab-haproxy-log.pid";

function receiverRuns(node: LabNode): boolean {
  const file = nodePath(node, RECEIVER_PID);
  if (!existsSync(file)) return false;
  const pid = readFileSync(file, "utf8").trim();
  return sh(["kill", "-0", pid], { allowFailure: true }).status === 0;
}

/** Starts the node's receiver unless it runs (teardown kills it with the namespace's processes). */
function ensureReceiver(node: LabNode): void {
  if (receiverRuns(node) && existsSync(nodePath(node, SOCKET))) return;
  rmSync(nodePath(node, SOCKET), { force: true });
  // The mount point on the host: an empty file where rsyslog would put its socket.
  if (!existsSync(CHROOT_DEV_LOG)) writeFileSync(CHROOT_DEV_LOG, "");
  const pid = startInNode(
    node,
    ["socat", "-u", `UNIX-RECV:${SOCKET},mode=666`, `OPEN:${LOG},creat,append`],
    nodePath(node, "/run/lab-haproxy-log.errors"),
  );
  writeFileSync(nodePath(node, RECEIVER_PID), String(pid));
  for (let i = 0; i < 50 && !existsSync(nodePath(node, SOCKET)); i++) sh(["sleep", "0.1"]);
  if (!existsSync(nodePath(node, SOCKET))) throw new Error(`${node.name}: no log receiver`);
}

/** `start` run as the unit runs HAProxy: the node's log socket at the chroot's /dev/log. */
export function withLogSocket(node: LabNode, start: readonly string[]): string[] {
  ensureReceiver(node);
  return ["sh", "-c", `mount --bind ${SOCKET} ${CHROOT_DEV_LOG} && exec "$@"`, "haproxy", ...start];
}

/** What HAProxy has logged in the node since the lab began. */
export function haproxyLog(node: LabNode): string {
  const file = nodePath(node, LOG);
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** Removes the host's mount point if the lab made it (an empty file, not rsyslog's socket). */
export function removeLogMountPoint(): void {
  if (existsSync(CHROOT_DEV_LOG) && statSync(CHROOT_DEV_LOG).isFile()) {
    if (statSync(CHROOT_DEV_LOG).size === 0) rmSync(CHROOT_DEV_LOG);
  }
}

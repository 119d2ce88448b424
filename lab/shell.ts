/** Running commands, in the root namespace or inside a lab namespace. */
import { spawnSync } from "node:child_process";
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; throws with its output unless `allowFailure`. */
export interface ShOptions {
  readonly input?: string;
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
  /**
   * Send output to this file instead of a pipe: a daemon that keeps its
   * inherited output open would otherwise hold the call until it exits.
   */
  readonly log?: string;
}

export function sh(cmd: string[], options: ShOptions = {}): Result {
  const fd = options.log ? openSync(options.log, "a") : undefined;
  // Only what this call appends: the log is shared with earlier runs.
  const start = fd === undefined ? 0 : fstatSync(fd).size;
  const r = spawnSync(cmd[0], cmd.slice(1), {
    input: options.input,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: fd === undefined ? "pipe" : ["pipe", fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  if (r.error) throw new Error(`${cmd.join(" ")}: ${r.error.message}`);
  const logged = options.log ? readFileSync(options.log).subarray(start).toString("utf8") : "";
  const result = { status: r.status, stdout: r.stdout ?? logged, stderr: r.stderr ?? "" };
  if (!options.allowFailure && r.status !== 0) {
    throw new Error(`${cmd.join(" ")} exited ${r.status}\n${result.stdout}${result.stderr}`);
  }
  return result;
}

/** Runs a command inside a network namespace. */
export function inNs(ns: string, cmd: string[], options: ShOptions = {}): Result {
  return sh(["ip", "netns", "exec", ns, ...cmd], options);
}

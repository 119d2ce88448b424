/**
 * The Debian release the lab's load balancers run, chosen in one place:
 * EXCHANGE_LB_LAB_DEBIAN=13 (the default, HAProxy 3.0 and keepalived 2.3 from
 * the cached Debian 13 root, scripts/debian-root.sh) or 12 (the host's HAProxy
 * 2.6 and keepalived 2.2). Every command run in a lab node finds the release's
 * HAProxy and keepalived first on its PATH.
 */
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { OperatingSystem } from "../lib";
import { operatingSystemRelease } from "../lib/instance/operating-system";
import { debianTreePath } from "../scripts/debian-root";

export interface LabRelease {
  readonly debian: 12 | 13;
  /** What the lab's stacks name as their `operatingSystem`. */
  readonly os: OperatingSystem;
  /** The HAProxy branch the release packages ("3.0", the library's data), which the lab asserts it runs. */
  readonly haproxy: string;
  /** Likewise keepalived's ("2.3", the library's data). */
  readonly keepalived: string;
  /** Where the release's haproxy and keepalived are; none: the host's. */
  readonly bin?: string;
}

function release(os: OperatingSystem, bin?: string): LabRelease {
  const { number, haproxy, keepalived } = operatingSystemRelease(os)!;
  return { debian: number as 12 | 13, os, haproxy: haproxy.version, keepalived, bin };
}

const RELEASES: Record<string, LabRelease> = {
  "12": release(OperatingSystem.DEBIAN_12),
  "13": release(OperatingSystem.DEBIAN_13, join(debianTreePath(13), "bin")),
};

/** The release named by EXCHANGE_LB_LAB_DEBIAN (default 13); anything else is refused. */
export function labRelease(value = process.env.EXCHANGE_LB_LAB_DEBIAN): LabRelease {
  const release = RELEASES[value || "13"];
  if (!release) {
    throw new Error(`EXCHANGE_LB_LAB_DEBIAN=${value}: the lab runs Debian 12 or 13`);
  }
  return release;
}

/** `path` (a PATH) with the release's programs ahead of the host's. */
export function releasePath(path: string, release = labRelease()): string {
  return release.bin ? `${release.bin}:${path}` : path;
}

/**
 * `--debian <12|13>` or `--debian=<12|13>` among a command's arguments chooses
 * the release (as EXCHANGE_LB_LAB_DEBIAN does); returns the other arguments.
 */
export function takeReleaseOption(args: readonly string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const match = /^--debian(?:=(.*))?$/.exec(args[i]);
    if (!match) rest.push(args[i]);
    else process.env.EXCHANGE_LB_LAB_DEBIAN = labRelease(match[1] ?? args[++i]).debian.toString();
  }
  return rest;
}

type Program = "haproxy" | "keepalived";

/** The first line of `<command> -v` (keepalived prints it on stderr). */
function versionLine(command: string, release: LabRelease): string {
  const env = { ...process.env, PATH: releasePath(process.env.PATH ?? "", release) };
  const r = spawnSync(command, ["-v"], { encoding: "utf8", env });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n")[0] || (r.error?.message ?? "");
}

/** `line` unless it names another branch of `program` than the release's. */
function ofRelease(program: Program, line: string, release: LabRelease, what: string): string {
  const version = new RegExp(`^${program} v?(?:ersion )?(\\S+)`, "i").exec(line)?.[1] ?? "";
  if (!version.startsWith(`${release[program]}.`)) {
    const fix = release.bin ? ` (build it: scripts/debian-root.sh ${release.debian})` : "";
    throw new Error(
      `the lab runs Debian ${release.debian} with ${program} ${release[program]}, but ${what} says ${JSON.stringify(line)}${fix}`,
    );
  }
  return line;
}

/**
 * `haproxy -v` and `keepalived -v` as a node runs them (first lines), each
 * asserted to be the release's branch, so a run never uses the wrong binary unnoticed.
 */
export function toolVersions(release = labRelease()): string[] {
  return (["haproxy", "keepalived"] as const).map((program) =>
    ofRelease(program, versionLine(program, release), release, `${program} -v`),
  );
}

/** Throws unless process `pid` runs the release's `program` (the version of its executable). */
export function assertRunsRelease(program: Program, pid: string, release = labRelease()): void {
  const exe = readlinkSync(`/proc/${pid}/exe`);
  ofRelease(program, versionLine(exe, release), release, `process ${pid} (${exe})`);
}

/** Throws unless a synthesized stack boots the release's AMIs (its `aws_ami` name filters). */
export function assertStackRelease(
  stackName: string,
  amiNamePatterns: readonly string[],
  release = labRelease(),
): void {
  const expected = operatingSystemRelease(release.os)!.amiNamePattern;
  if (amiNamePatterns.length === 0 || amiNamePatterns.some((p) => p !== expected)) {
    throw new Error(
      `stack ${stackName} boots ${amiNamePatterns.join(", ") || "no Debian AMI lookup"}, but the lab runs Debian ${release.debian} (${expected})`,
    );
  }
}

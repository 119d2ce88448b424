/**
 * A node's files under a temporary root, the way the user-data writes them,
 * for running the instance's real programs with `EXCHANGE_LB_ROOT` (their one
 * test hook: a prefix of every path) and stand-in commands on PATH that record
 * their arguments.
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { IMDS_ENDPOINT } from "../../lib/instance/base";
import { BootPart, assembleBoot } from "../../lib/instance/boot";
import { DebianRelease, Tool, toolCommand } from "./debian-releases";

/** What the IMDSv2 stand-in answers (lab/tools/fake-imds.js). */
export interface InstanceMetadata {
  readonly eni: string;
  readonly mac: string;
  readonly region: string;
  readonly localIpv4: string;
  /** The interface's private addresses as EC2 assigned them, primary first: [localIpv4] unless given. */
  readonly localIpv4s?: readonly string[];
  /** Public address -> private address, as EC2 associated them (an Elastic IP); none unless given. */
  readonly ipv4Associations?: Readonly<Record<string, string>>;
  /** services/domain, the partition's DNS suffix: amazonaws.com unless given. */
  readonly domain?: string;
}

/** A node at 10.0.1.5 in eu-west-2, as the stand-in describes it. */
export const NODE_METADATA: InstanceMetadata = {
  eni: "eni-0aaa",
  mac: "0a:00:00:00:00:05",
  region: "eu-west-2",
  localIpv4: "10.0.1.5",
};

const FAKE_IMDS = join(__dirname, "..", "..", "lab", "tools", "fake-imds.js");

/**
 * The shell that brings up loopback with the metadata address, starts the
 * stand-in there (unless "none") and waits until it answers, then runs "$@".
 */
function withMetadata(metadata: InstanceMetadata | "none"): string {
  const host = new URL(IMDS_ENDPOINT).hostname;
  const lines = [
    "set -e",
    "/usr/sbin/ip link set lo up",
    `/usr/sbin/ip address add ${host}/32 dev lo`,
  ];
  if (metadata !== "none") {
    const args = JSON.stringify({ ...metadata, maxMs: 60_000 });
    lines.push(
      `${process.execPath} ${FAKE_IMDS} '${args}' & imds=$!`,
      "trap 'kill $imds' EXIT",
      `i=0; until /usr/bin/curl -sf -o /dev/null -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 5' ${IMDS_ENDPOINT}/latest/api/token; do i=$((i + 1)); [ $i -lt 100 ]; sleep 0.05; done`,
    );
  }
  lines.push("set +e", '"$@"');
  return lines.join("\n");
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class InstanceRoot {
  public readonly dir = mkdtempSync(join(tmpdir(), "exchange-lb-root-"));

  constructor() {
    mkdirSync(join(this.dir, "bin"));
  }

  /** Writes every file of the user-data (cloud-config text) at its path under the root. */
  public installUserData(userData: string): void {
    const files: { path: string; permissions: string; content: string }[] =
      parse(userData).write_files;
    for (const file of files) this.write(file.path, file.content, parseInt(file.permissions, 8));
  }

  /** Writes the files these boot parts contribute, the settings file among them. */
  public install(parts: readonly BootPart[]): void {
    for (const file of assembleBoot("test", parts).files) {
      this.write(file.path, file.content, parseInt(file.permissions, 8));
    }
  }

  /** A stand-in for `name` on PATH: appends `name args` to calls.log, then runs `body`. */
  public fake(name: string, body = ""): void {
    const file = join(this.dir, "bin", name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${this.dir}/calls.log"\n${body}`);
    chmodSync(file, 0o755);
  }

  /** The release's real `tool` on PATH, ahead of the host's (the host's release: the host's own). */
  public useTool(release: DebianRelease, tool: Tool): void {
    const command = toolCommand(release, tool);
    if (release.tree) symlinkSync(command, join(this.dir, "bin", tool));
  }

  /** Replaces an installed program with a stand-in that records its calls like `fake`. */
  public fakeProgram(path: string, body = ""): void {
    const name = path.slice(path.lastIndexOf("/") + 1);
    this.write(path, `#!/bin/sh\necho "${name} $*" >> "${this.dir}/calls.log"\n${body}`, 0o755);
  }

  /** The host path of an on-instance path. */
  public path(onInstance: string): string {
    return join(this.dir, onInstance);
  }

  public write(onInstance: string, content: string, mode = 0o644): void {
    mkdirSync(dirname(this.path(onInstance)), { recursive: true });
    writeFileSync(this.path(onInstance), content, { mode });
    chmodSync(this.path(onInstance), mode);
  }

  public read(onInstance: string): string {
    return readFileSync(this.path(onInstance), "utf8");
  }

  public exists(onInstance: string): boolean {
    return existsSync(this.path(onInstance));
  }

  /** The recorded calls, optionally of one command only. */
  public calls(command?: string): string[] {
    const file = join(this.dir, "calls.log");
    const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n") : [];
    return lines.filter((line) => line && (!command || line.startsWith(`${command} `)));
  }

  public clearCalls(): void {
    writeFileSync(join(this.dir, "calls.log"), "");
  }

  /**
   * Runs an installed program as root would, with the stand-ins first on PATH.
   * With `metadata`, in a network namespace of its own where the lab's IMDSv2
   * stand-in (which refuses a request without a session token) answers on the
   * real metadata address; `"none"`: that namespace without it.
   */
  public run(
    program: string,
    args: readonly string[] = [],
    options: { readonly metadata?: InstanceMetadata | "none"; readonly timeout?: number } = {},
  ): Promise<RunResult> {
    const isolated = options.metadata !== undefined;
    const command = isolated ? "unshare" : this.path(program);
    const commandArgs = isolated
      ? ["--net", "sh", "-c", withMetadata(options.metadata!), "imds", this.path(program), ...args]
      : [...args];
    return new Promise((resolve) =>
      execFile(
        command,
        commandArgs,
        {
          env: {
            PATH: `${this.dir}/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
            EXCHANGE_LB_ROOT: this.dir,
          },
          timeout: options.timeout ?? 20_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
          }),
      ),
    );
  }

  public remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

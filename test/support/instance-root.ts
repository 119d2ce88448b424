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
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { BootPart, assembleBoot } from "../../lib/instance/boot";

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

  /** Runs an installed program as root would, with the stand-ins first on PATH. */
  public run(program: string, args: readonly string[] = [], timeout = 20_000): Promise<RunResult> {
    return new Promise((resolve) =>
      execFile(
        this.path(program),
        [...args],
        {
          env: {
            PATH: `${this.dir}/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
            EXCHANGE_LB_ROOT: this.dir,
          },
          timeout,
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

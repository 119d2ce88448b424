/**
 * The real tools the tests check output with: HAProxy 2.6, cloud-init and
 * Terraform. The test command installs them; a missing tool fails the test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunResult {
  readonly status: number | null;
  /** stdout and stderr together. */
  readonly output: string;
  readonly stdout: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: Readonly<Record<string, string>> } = {},
): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...options.env },
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
    stdout: result.stdout,
  };
}

/** A fresh directory, removed after `use` returns. */
export function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "exchange-lb-test-"));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `haproxy -c` on the text; the result holds HAProxy's own words.
 * @param localPeer a pair node's peer name, as `haproxy -L` gives it at start
 * @param env variables HAProxy expands, as its unit's environment file gives them
 */
export function haproxyCheck(
  config: string,
  localPeer?: string,
  env?: Readonly<Record<string, string>>,
): RunResult {
  return withTempDir((dir) => {
    const file = join(dir, "haproxy.cfg");
    writeFileSync(file, config);
    return run("haproxy", ["-c", ...(localPeer ? ["-L", localPeer] : []), "-f", file], { env });
  });
}

/** Asserts HAProxy accepts the config with no alert and no warning. */
export function expectValidHaproxy(config: string, localPeer?: string): void {
  const result = haproxyCheck(config, localPeer);
  expect(result.output).not.toMatch(/\[(WARNING|ALERT)\]/);
  expect(result.output).toContain("Configuration file is valid");
  expect(result.status).toBe(0);
}

/** `cloud-init schema` on the text. */
export function cloudInitSchema(userData: string): RunResult {
  return withTempDir((dir) => {
    const file = join(dir, "user-data");
    writeFileSync(file, userData);
    return run("cloud-init", ["schema", "--config-file", file]);
  });
}

export function expectValidCloudConfig(userData: string): void {
  const result = cloudInitSchema(userData);
  expect(result.output).toContain("Valid cloud-config");
  expect(result.status).toBe(0);
}

/** keepalived's only complaint about a pair config: it holds no VIP, by design (AWS moves them). */
const NO_VIP_WARNING = "(exchange) No VIP specified; at least one is sensible";

/**
 * `keepalived -t` on a pair node's config, inside a fresh network namespace
 * with an `eth0`, the failover script at a temporary path and the start-up
 * interface file naming `eth0`. Exit 5 means warnings; the only one allowed is
 * NO_VIP_WARNING.
 */
export function expectValidKeepalived(
  config: string,
  paths: { interfaceFile: string; script: string; scriptText: string },
): void {
  withTempDir((dir) => {
    writeFileSync(join(dir, "interface.conf"), "$INTERFACE=eth0\n");
    writeFileSync(join(dir, "failover"), paths.scriptText, { mode: 0o755 });
    const file = join(dir, "keepalived.conf");
    writeFileSync(
      file,
      config
        .replace(`include ${paths.interfaceFile}`, `include ${dir}/interface.conf`)
        .split(paths.script)
        .join(`${dir}/failover`),
    );
    const result = run("unshare", [
      "--net",
      "sh",
      "-c",
      `ip link add eth0 type veth peer name eth1 && ip link set eth0 up && exec keepalived -t -n -l -f ${file}`,
    ]);
    const complaints = result.output
      .split("\n")
      .filter((line) => line.trim() && line.trim() !== NO_VIP_WARNING);
    expect(complaints).toEqual([]);
    expect([0, 5]).toContain(result.status);
  });
}

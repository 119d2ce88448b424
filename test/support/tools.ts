/**
 * The real tools the tests check output with: each Debian release's HAProxy,
 * keepalived and cloud-init (debian-releases.ts), and Terraform. The test
 * command installs them; a missing tool fails the test, it is never skipped.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVER_STATE_AT_BOOT } from "../../lib/instance/base";
import { PATHS } from "../../lib/instance/paths";
import { DEBIAN_RELEASES, DebianRelease, Tool, toolCommand, toolVersion } from "./debian-releases";

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

/** What one release's tool said about a file, and why it counts as refused (none: accepted). */
export interface Verdict extends RunResult {
  readonly release: DebianRelease;
  /** "HAProxy 3.0.11" */
  readonly tool: string;
  /** The exit status or lines that refuse or warn; empty when accepted without a warning. */
  readonly problems: readonly string[];
}

/** Runs the release's tool as `invocation` says on `file` (in a temp dir), and judges its words. */
function verdictOf(
  release: DebianRelease,
  tool: Tool,
  file: { name: string; text: string },
  invocation: (
    executable: string,
    path: string,
  ) => { command: string; args: string[]; env?: Readonly<Record<string, string>> },
  judge: (result: RunResult) => string[],
): Verdict {
  const executable = toolCommand(release, tool);
  const result = withTempDir((dir) => {
    const path = join(dir, file.name);
    writeFileSync(path, file.text);
    const { command, args, env } = invocation(executable, path);
    return run(command, args, { env });
  });
  return { ...result, release, tool: toolVersion(release, tool), problems: judge(result) };
}

/** Throws, naming each release and tool version, unless every release accepted. */
function expectEachAccepts(verdicts: readonly Verdict[]): void {
  const refused = verdicts.filter((verdict) => verdict.problems.length > 0);
  if (refused.length === 0) return;
  throw new Error(
    refused
      .map(
        (v) =>
          `${v.release.name}'s ${v.tool} does not accept it without a warning:\n  ` +
          `${v.problems.join("\n  ")}\n${v.output}`,
      )
      .join("\n"),
  );
}

/** The exit status when it is not one of `accepted`, and the lines that are not `fine`. */
function complaints(result: RunResult, accepted: number[], fine: (line: string) => boolean) {
  const lines = result.output.split("\n").filter((line) => line.trim() && !fine(line.trim()));
  return accepted.includes(result.status ?? -1) ? lines : [`exit ${result.status}`, ...lines];
}

const HAPROXY_VALID = "Configuration file is valid";

/**
 * `haproxy -c -V` (HAProxy 3.0 prints its verdict only with -V) on the text,
 * with the release's HAProxy; refused: an exit other than 0, any [WARNING] or
 * [ALERT], or no "Configuration file is valid".
 * @param localPeer a pair node's peer name, as `haproxy -L` gives it at start
 * @param env variables HAProxy expands, as its unit's environment file gives them
 */
export function haproxyCheck(
  release: DebianRelease,
  config: string,
  localPeer?: string,
  env?: Readonly<Record<string, string>>,
): Verdict {
  return verdictOf(
    release,
    "haproxy",
    { name: "haproxy.cfg", text: withBootServerState(config) },
    (haproxy, file) => ({
      command: haproxy,
      args: ["-c", "-V", ...(localPeer ? ["-L", localPeer] : []), "-f", file],
      env,
    }),
    (result) => {
      const problems = complaints(result, [0], (line) => !/\[(WARNING|ALERT)\]/.test(line));
      return result.output.includes(HAPROXY_VALID)
        ? problems
        : [...problems, `no "${HAPROXY_VALID}"`];
    },
  );
}

/**
 * The config reading its server-state file from a copy of the one a node boots with: the
 * host has none at the instance's path, and HAProxy 2.6 warns of a missing one.
 */
function withBootServerState(config: string): string {
  if (!bootServerState) {
    bootServerState = join(mkdtempSync(join(tmpdir(), "server-state-")), "server-state");
    writeFileSync(bootServerState, SERVER_STATE_AT_BOOT);
  }
  return config.replace(
    `server-state-file ${PATHS.SERVER_STATE}\n`,
    `server-state-file ${bootServerState}\n`,
  );
}
let bootServerState: string | undefined;

/** Asserts every release's HAProxy accepts the config with no alert and no warning. */
export function expectValidHaproxy(
  config: string,
  localPeer?: string,
  env?: Readonly<Record<string, string>>,
): void {
  expectEachAccepts(DEBIAN_RELEASES.map((r) => haproxyCheck(r, config, localPeer, env)));
}

/** A self-signed certificate and its key in one PEM file in `dir`, as HAProxy's `crt` reads it. */
export function certificateBundle(dir: string): string {
  const pem = join(dir, "bundle.pem");
  const made = run("sh", [
    "-c",
    `openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mail.example.com -keyout ${dir}/k -out ${dir}/c 2>/dev/null && cat ${dir}/c ${dir}/k > ${pem}`,
  ]);
  if (made.status !== 0) throw new Error(`openssl could not make a certificate:\n${made.output}`);
  return pem;
}

/**
 * `cloud-init schema` on the text with the release's cloud-init; refused: an
 * exit other than 0 or any line but its "valid" one (22.4: "Valid
 * cloud-config", 25: "Valid schema"), so deprecated keys count too.
 */
export function cloudInitSchema(release: DebianRelease, userData: string): Verdict {
  return verdictOf(
    release,
    "cloud-init",
    { name: "user-data", text: userData },
    (cloudInit, file) => ({ command: cloudInit, args: ["schema", "--config-file", file] }),
    (result) => {
      const problems = complaints(result, [0], (line) =>
        /^Valid (cloud-config|schema)\b/.test(line),
      );
      return /^Valid (cloud-config|schema)\b/m.test(result.output)
        ? problems
        : [...problems, 'no "Valid"'];
    },
  );
}

/** Asserts every release's cloud-init finds the user-data valid, with no deprecated key. */
export function expectValidCloudConfig(userData: string): void {
  expectEachAccepts(DEBIAN_RELEASES.map((r) => cloudInitSchema(r, userData)));
}

/** keepalived's only complaint about a pair config: it holds no VIP, by design (AWS moves them). */
const NO_VIP_WARNING = "(exchange) No VIP specified; at least one is sensible";

/** Where a pair node's keepalived.conf names the interface file and the failover program. */
export interface KeepalivedPaths {
  readonly interfaceFile: string;
  readonly script: string;
  readonly scriptText: string;
}

/**
 * `keepalived -t` on a pair node's config with the release's keepalived,
 * inside a fresh network namespace with an `eth0`, the failover script at a
 * temporary path and the start-up interface file naming `eth0`. Exit 5 means
 * warnings; the only one accepted is NO_VIP_WARNING.
 */
export function keepalivedCheck(
  release: DebianRelease,
  config: string,
  paths: KeepalivedPaths,
): Verdict {
  return withTempDir((dir) => {
    writeFileSync(join(dir, "interface.conf"), "$INTERFACE=eth0\n");
    writeFileSync(join(dir, "failover"), paths.scriptText, { mode: 0o755 });
    const text = config
      .replace(`include ${paths.interfaceFile}`, `include ${dir}/interface.conf`)
      .split(paths.script)
      .join(`${dir}/failover`);
    return verdictOf(
      release,
      "keepalived",
      { name: "keepalived.conf", text },
      (keepalived, file) => ({
        command: "unshare",
        args: [
          "--net",
          "sh",
          "-c",
          `ip link add eth0 type veth peer name eth1 && ip link set eth0 up && exec ${keepalived} -t -n -l -f ${file}`,
        ],
      }),
      (result) => complaints(result, [0, 5], (line) => line === NO_VIP_WARNING),
    );
  });
}

/** Asserts every release's keepalived accepts a pair node's config (no VIP aside). */
export function expectValidKeepalived(config: string, paths: KeepalivedPaths): void {
  expectEachAccepts(DEBIAN_RELEASES.map((r) => keepalivedCheck(r, config, paths)));
}

/**
 * Asserts the real Terraform loads a synthesized stack (`terraform providers`: the configuration
 * read and decoded, no provider needed) and that every `depends_on` is a plain address of one
 * of its resources: a `${...}` there fails `terraform init`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function expectTerraformLoads(json: any): void {
  withTempDir((dir) => {
    // The local backend would want an init first: loading the rest is what this checks.
    const loadable = { ...json, terraform: { ...json.terraform, backend: undefined } };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(loadable));
    const loaded = run("terraform", ["providers"], { cwd: dir });
    expect(loaded.output).not.toMatch(/Error:/);
    expect(loaded.status).toBe(0);
  });
  const resources = json.resource as Record<string, Record<string, { depends_on?: string[] }>>;
  const addresses = new Set(
    Object.entries(resources).flatMap(([type, named]) =>
      Object.keys(named).map((name) => `${type}.${name}`),
    ),
  );
  const named = Object.values(resources)
    .flatMap((byName) => Object.values(byName))
    .flatMap((resource) => resource.depends_on ?? []);
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((address) => !addresses.has(address))).toEqual([]);
}

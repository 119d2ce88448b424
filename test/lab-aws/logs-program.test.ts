/**
 * The logs program run for real: real journal files (written by systemd-journal-remote from
 * entries of haproxy.service and of another unit) read by each release's journalctl, the program and
 * its settings as the config document delivers them, Debian's real AWS CLI calling the
 * CloudWatch Logs stand-in with the synthesized role's credentials from an IMDSv2 stand-in.
 * What reaches the group is read back: HAProxy's lines only, in order, escaped, in the node's
 * stream; each line once across runs (the cursor), a backlog in bounded runs and batches within
 * PutLogEvents' limits, a quiet node, and nothing lost to a refusal.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ImapVip } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import type { PolicyDocument } from "../../lab/aws/iam";
import { LAB, Running, startStandIn, stopStandIn } from "../support/aws-stand-in";
import { deliveredNode, synthesizedNode } from "../support/delivered-files";
import type { RunningImds } from "../support/imds-stand-in";
import { DEBIAN_RELEASES, toolCommand } from "../support/debian-releases";
import { InstanceRoot } from "../support/instance-root";
import { fixture } from "../support/synth";

const NODE = "i-lab0a000107";
const GROUP = "/exchange-lb/test/Lb";
const JOURNAL_REMOTE = "/usr/lib/systemd/systemd-journal-remote";
const BOOT = "0123456789abcdef0123456789abcdef";

jest.setTimeout(120_000);

let running: Running;
beforeAll(async () => {
  running = await startStandIn({ logGroups: [GROUP] });
});
afterAll(() => stopStandIn(running));

function synthesized() {
  const { stack, lb } = fixture({ monitoring: { logs: true } });
  new ImapVip(lb, "CasImap");
  return synthesizedNode(stack, lb);
}

interface Entry {
  readonly unit: string;
  readonly message: string;
  /** Seconds before now. */
  readonly ago: number;
}

let root: InstanceRoot;
let imds: RunningImds;
let policies: readonly PolicyDocument[];
let roleName: string;
let journals = 0;

/** Adds the entries to the node's journal: a journal file of their own, as journald rotates. */
function journal(entries: readonly Entry[]): void {
  const now = Date.now() * 1000;
  const exported = entries
    .map((e, i) =>
      [
        `__REALTIME_TIMESTAMP=${now - Math.round(e.ago * 1_000_000)}`,
        `__MONOTONIC_TIMESTAMP=${1_000_000 + journals * 100_000 + i}`,
        `_BOOT_ID=${BOOT}`,
        `_SYSTEMD_UNIT=${e.unit}`,
        `SYSLOG_IDENTIFIER=${e.unit.replace(/\.service$/, "")}`,
        "_PID=4242",
        "_HOSTNAME=ip-10-0-1-7",
        `MESSAGE=${e.message}`,
        "",
      ].join("\n"),
    )
    .join("\n");
  const input = root.path(`journal-input-${++journals}`);
  writeFileSync(input, `${exported}\n`);
  const written = spawnSync(
    JOURNAL_REMOTE,
    ["-o", join(root.path("journal"), `remote-${journals}.journal`), input],
    { encoding: "utf8" },
  );
  expect(written.status).toBe(0);
}

const haproxy = (message: string, ago = 1): Entry => ({ unit: "haproxy.service", message, ago });

/** `count` HAProxy lines, the newest `ago` seconds old, a millisecond apart. */
const lines = (prefix: string, count: number, ago = 1): Entry[] =>
  Array.from({ length: count }, (_, i) =>
    haproxy(`${prefix} ${String(i).padStart(5, "0")}`, ago + (count - i) / 1000),
  );

/** One run; the events the group's stream for this node holds after it. */
async function ship() {
  const result = await root.run(PATHS.LOGS_PROGRAM, ["once"], { timeout: 100_000 });
  const stream = running.standIn.logGroups.get(GROUP)?.get(NODE) ?? [];
  return { ...result, messages: stream.map((e) => e.message), events: stream };
}

const puts = () =>
  running.standIn.calls.filter((c) => c.action === "logs:PutLogEvents" && c.status === 200);

describe.each(DEBIAN_RELEASES)("with $name's journalctl", (release) => {
  beforeEach(async () => {
    running.standIn.logGroups.set(GROUP, new Map());
    const node = synthesized();
    ({ policies, roleName } = node.role);
    ({ root, imds } = await deliveredNode(running, 7, node));
    // The release's real journalctl, reading this node's journal files.
    mkdirSync(root.path("journal"));
    // The host's by its path: the stand-in named journalctl is first on PATH.
    const journalctl = release.tree ? toolCommand(release, "journalctl") : "/usr/bin/journalctl";
    root.fake("journalctl", `exec ${journalctl} -D ${root.path("journal")} "$@"\n`);
    journals = 0;
  });

  afterEach(async () => {
    await imds?.close();
    root.remove();
  });

  test("HAProxy's lines, and no other unit's, reach the node's stream in order and intact; each once", async () => {
    journal([
      haproxy('Health check for server CasImap/CAS1 failed, reason: Layer4 timeout, info: "x"', 3),
      { unit: "ssh.service", message: "Accepted publickey for admin", ago: 2 },
      haproxy("Server CasImap/CAS1 is DOWN. 1 active and 0 backup servers left.", 2),
      haproxy("path C:\\Windows, user ünïcødé", 1),
    ]);
    const first = await ship();
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.messages).toEqual([
      'Health check for server CasImap/CAS1 failed, reason: Layer4 timeout, info: "x"',
      "Server CasImap/CAS1 is DOWN. 1 active and 0 backup servers left.",
      "path C:\\Windows, user ünïcødé",
    ]);
    const times = first.events.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.abs(times[2] - (Date.now() - 1000))).toBeLessThan(60_000);
    // The stream was made by the first batch's refusal and the program's CreateLogStream.
    expect(running.standIn.calls.map((c) => c.action)).toContain("logs:CreateLogStream");

    // Nothing new: no call. New lines: those only.
    const calls = puts().length;
    expect((await ship()).messages).toHaveLength(3);
    expect(puts()).toHaveLength(calls);
    journal([haproxy("Server CasImap/CAS1 is UP. 2 active and 0 backup servers online.")]);
    const next = await ship();
    expect(next.messages.slice(3)).toEqual([
      "Server CasImap/CAS1 is UP. 2 active and 0 backup servers online.",
    ]);
  });

  test("a quiet node ships nothing and says nothing; a first run takes the last hour, not the journal's past", async () => {
    journal([{ unit: "ssh.service", message: "not HAProxy", ago: 5 }]);
    expect(await ship()).toMatchObject({ code: 0, stderr: "", messages: [] });
    expect(root.exists(PATHS.LOGS_CURSOR)).toBe(false);
    journal([haproxy("two hours ago", 7200), haproxy("a minute ago", 60)]);
    expect((await ship()).messages).toEqual(["a minute ago"]);
  });

  test("a backlog of 25,000 lines: runs of 20,000, batches of at most 5,000, each line once, in order", async () => {
    // A cursor first (the lines after it newer, as journald writes them).
    journal([haproxy("before", 60)]);
    await ship();
    journal(lines("connection", 25_000));
    const before = puts().length;
    const first = await ship();
    expect(first.code).toBe(0);
    expect(first.messages).toHaveLength(1 + 20_000);
    expect(puts().length - before).toBe(4);
    const second = await ship();
    expect(second.messages).toHaveLength(1 + 25_000);
    expect(second.messages.at(-1)).toBe("connection 24999");
    expect(new Set(second.messages).size).toBe(second.messages.length);
    expect(puts().length - before).toBe(5);
  });

  test("refused (the role without the logs policy, another group, no group): nothing lost, shipped once allowed", async () => {
    journal([haproxy("while refused")]);
    const without = policies.map((p) => ({
      ...p,
      Statement: [p.Statement].flat().filter((s) => s.Sid !== "ShipHaproxysLogsToItsGroup"),
    }));
    running.standIn.credentials.setRolePolicies(roleName, without);
    const refused = await ship();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `An error occurred (AccessDeniedException) when calling the PutLogEvents operation: User: arn:aws:sts::123456789012:assumed-role/${roleName}/${NODE} is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:${LAB.region}:123456789012:log-group:${GROUP}:log-stream:${NODE}`,
    );
    expect(root.exists(PATHS.LOGS_CURSOR)).toBe(false);
    running.standIn.credentials.setRolePolicies(roleName, policies);

    // Another group, even one that exists: the role may write its own only.
    running.standIn.logGroups.set("/exchange-lb/other", new Map());
    const settings = root.read(PATHS.MONITORING_SETTINGS);
    root.write(
      PATHS.MONITORING_SETTINGS,
      settings.replace(/^LOGS_GROUP=.*$/m, 'LOGS_GROUP="/exchange-lb/other"'),
    );
    const other = await ship();
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      `is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:${LAB.region}:123456789012:log-group:/exchange-lb/other:log-stream:${NODE}`,
    );
    root.write(PATHS.MONITORING_SETTINGS, settings);

    // The group gone (deleted outside Terraform): said, and nothing moves on either.
    running.standIn.logGroups.delete(GROUP);
    const gone = await ship();
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("The specified log group does not exist.");
    running.standIn.logGroups.set(GROUP, new Map());

    expect((await ship()).messages).toEqual(["while refused"]);
  });
});

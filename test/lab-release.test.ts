/**
 * The lab chooses its Debian release in one place (lab/release.ts): every
 * command run in a node finds that release's HAProxy and keepalived first on
 * its PATH, and the lab refuses to run another release's binaries.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LB_NODES, nodeCommand } from "../lab/node";
import { lab2010, lab2013, synthesize } from "../lab/stacks";
import {
  assertStackRelease,
  assertRunsRelease,
  labRelease,
  releasePath,
  takeReleaseOption,
  toolVersions,
} from "../lab/release";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const debian12 = labRelease("12");
const debian13 = labRelease("13");

afterEach(() => delete process.env.EXCHANGE_LB_LAB_DEBIAN);

test("Debian 13 by default; 12 on request; any other release is refused", () => {
  expect(labRelease(undefined)).toBe(debian13);
  expect(labRelease("")).toBe(debian13);
  expect([debian12.haproxy, debian13.haproxy]).toEqual(["2.6", "3.0"]);
  expect(() => labRelease("11")).toThrow("EXCHANGE_LB_LAB_DEBIAN=11: the lab runs Debian 12 or 13");
});

test("a node's commands find the release's HAProxy and keepalived first on their PATH", () => {
  process.env.EXCHANGE_LB_LAB_DEBIAN = "13";
  const command = nodeCommand(LB_NODES.lb, ["haproxy", "-v"]);
  expect(command).toContain(`PATH=${debian13.bin}:${process.env.PATH}`);
  process.env.EXCHANGE_LB_LAB_DEBIAN = "12";
  expect(nodeCommand(LB_NODES.lb, ["haproxy", "-v"])).toContain(`PATH=${process.env.PATH}`);
  expect(releasePath("/usr/sbin:/usr/bin", debian12)).toBe("/usr/sbin:/usr/bin");
});

test("the versions are asserted: Debian 13 runs HAProxy 3.0 and keepalived 2.3, 12 runs 2.6 and 2.2", () => {
  expect(toolVersions(debian13)).toEqual([
    expect.stringMatching(/^HAProxy version 3\.0\./),
    expect.stringMatching(/^Keepalived v2\.3\./),
  ]);
  expect(toolVersions(debian12)).toEqual([
    expect.stringMatching(/^HAProxy version 2\.6\./),
    expect.stringMatching(/^Keepalived v2\.2\./),
  ]);
  // The host's binaries where Debian 13's are wanted: refused, with the fix.
  expect(() => toolVersions({ ...debian13, bin: undefined })).toThrow(
    /runs Debian 13 with haproxy 3\.0, but haproxy -v says "HAProxy version 2\.6/,
  );
});

test("a running HAProxy is checked by its executable, and its name stays haproxy", async () => {
  const env = { ...process.env, PATH: releasePath(process.env.PATH ?? "", debian13) };
  const dir = mkdtempSync(join(tmpdir(), "exchange-lb-test-"));
  const config = join(dir, "haproxy.cfg");
  writeFileSync(
    config,
    `listen lab\n  mode tcp\n  bind unix@${dir}/lab.sock\n  timeout client 1s\n`,
  );
  const child = spawn("haproxy", ["-db", "-f", config], { env, stdio: "ignore" });
  try {
    const pid = String(child.pid);
    // The wrapper (bin/haproxy) has exec'd the executable once it holds the socket.
    for (let i = 0; i < 100 && !existsSync(`${dir}/lab.sock`); i++) await sleep(20);
    expect(readFileSync(`/proc/${pid}/comm`, "utf8").trim()).toBe("haproxy");
    expect(() => assertRunsRelease("haproxy", pid, debian13)).not.toThrow();
    expect(() => assertRunsRelease("haproxy", pid, debian12)).toThrow(
      /runs Debian 12 with haproxy 2\.6, but process \d+ \(.*\/haproxy\) says "HAProxy version 3\.0/,
    );
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--debian chooses the release for npm run lab and bench:lab", () => {
  expect(takeReleaseOption(["up", "pair", "--debian", "12"])).toEqual(["up", "pair"]);
  expect(process.env.EXCHANGE_LB_LAB_DEBIAN).toBe("12");
  expect(takeReleaseOption(["--debian=13", "up"])).toEqual(["up"]);
  expect(labRelease()).toBe(debian13);
  expect(() => takeReleaseOption(["--debian", "14"])).toThrow("EXCHANGE_LB_LAB_DEBIAN=14");
});

test("the lab's stacks name the release it runs, and a stack of another release is refused", () => {
  expect(synthesize(lab2013()).amiNamePatterns).toEqual(["debian-13-amd64-*"]);
  process.env.EXCHANGE_LB_LAB_DEBIAN = "12";
  const lb = synthesize(lab2010);
  expect(lb.amiNamePatterns).toEqual(["debian-12-amd64-*"]);
  expect(() => assertStackRelease(lb.stackName, lb.amiNamePatterns)).not.toThrow();
  expect(() => assertStackRelease(lb.stackName, lb.amiNamePatterns, debian13)).toThrow(
    "stack lab-2010 boots debian-12-amd64-*, but the lab runs Debian 13 (debian-13-amd64-*)",
  );
});

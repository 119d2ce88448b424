/**
 * The checks every rendered file goes through run each Debian release's own
 * tools (test/support/debian-releases.ts): the versions are the releases',
 * a warning refuses like an error, and a missing Debian 13 root fails with how
 * to build it, never a skip.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEBIAN_RELEASES, Tool, debianReleases, toolVersion } from "./support/debian-releases";
import { haproxyCheck, keepalivedCheck } from "./support/tools";

test("each release runs its own versions: Debian 12 HAProxy 2.6, Debian 13 HAProxy 3.0", () => {
  const tools: Tool[] = ["haproxy", "keepalived", "cloud-init"];
  const versions = DEBIAN_RELEASES.map((release) =>
    tools.map((tool) => toolVersion(release, tool)),
  );
  expect(versions).toEqual([
    [
      expect.stringMatching(/^HAProxy 2\.6\./),
      expect.stringMatching(/^keepalived 2\.2\./),
      expect.stringMatching(/^cloud-init 22\.4/),
    ],
    [
      expect.stringMatching(/^HAProxy 3\.0\./),
      expect.stringMatching(/^keepalived 2\.3\./),
      expect.stringMatching(/^cloud-init 25\.1/),
    ],
  ]);
});

/** A tcp frontend with `option httplog`: valid, with a warning from HAProxy 2.6 and 3.0. */
const WARNED_HAPROXY = [
  "defaults",
  "    mode tcp",
  "    timeout client 1s",
  "    timeout server 1s",
  "    timeout connect 1s",
  "frontend f",
  "    option httplog",
  "    bind 127.0.0.1:8080",
  "    default_backend b",
  "backend b",
  "    server s 127.0.0.1:80",
  "",
].join("\n");

test.each(DEBIAN_RELEASES)("$name's HAProxy: a warning refuses, though haproxy -c exits 0", (r) => {
  const verdict = haproxyCheck(r, WARNED_HAPROXY);
  expect(verdict.status).toBe(0);
  expect(verdict.problems).toEqual([
    expect.stringContaining("[WARNING]"),
    expect.stringContaining("[WARNING]"),
  ]);
  expect(haproxyCheck(r, WARNED_HAPROXY.replace("    option httplog\n", "")).problems).toEqual([]);
});

test.each(DEBIAN_RELEASES)("$name's keepalived: an unknown keyword refuses", (release) => {
  const paths = { interfaceFile: "/none", script: "/none", scriptText: "" };
  const verdict = keepalivedCheck(release, "global_defs {\n    bogus_keyword 1\n}\n", paths);
  // Exit 5 (warnings) is allowed for keepalived's one expected warning; this line is not it.
  expect(verdict.status).toBe(5);
  expect(verdict.problems).toEqual(["(Line 2) Unknown keyword 'bogus_keyword'"]);
});

describe("without the Debian 13 root", () => {
  const cache = mkdtempSync(join(tmpdir(), "exchange-lb-cache-"));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const missing = `Debian 13's tools are missing: no complete root at ${cache}/debian-13. Build it with ./scripts/test.sh or scripts/debian-root.sh 13`;

  test("a check with Debian 13 fails, saying how to build it", () => {
    const debian13 = debianReleases(cache)[1];
    expect(() => haproxyCheck(debian13, WARNED_HAPROXY)).toThrow(missing);
  });

  test("the checks every test uses fail, not skip, with EXCHANGE_LB_CACHE pointing there", () => {
    const saved = process.env.EXCHANGE_LB_CACHE;
    process.env.EXCHANGE_LB_CACHE = cache;
    try {
      jest.isolateModules(() => {
        /* eslint-disable @typescript-eslint/no-require-imports */
        const tools = require("./support/tools") as typeof import("./support/tools");
        const releases =
          require("./support/debian-releases") as typeof import("./support/debian-releases");
        /* eslint-enable @typescript-eslint/no-require-imports */
        expect(() => tools.expectValidHaproxy(WARNED_HAPROXY)).toThrow(missing);
        expect(() => tools.expectValidCloudConfig("#cloud-config\n")).toThrow(missing);
        expect(() => releases.debianRoot(13)).toThrow(missing);
      });
    } finally {
      if (saved === undefined) delete process.env.EXCHANGE_LB_CACHE;
      else process.env.EXCHANGE_LB_CACHE = saved;
    }
  });
});

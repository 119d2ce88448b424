/**
 * The repository's own shell scripts (the test command, CI, the Debian root and VM
 * image builders, the lab's stand-in agent) pass shellcheck, like the programs the
 * instances run.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { run } from "./support/tools";

const repo = resolve(__dirname, "..");
const scripts = [
  ".ci/run",
  ...readdirSync(join(repo, "scripts"))
    .filter((f) => f.endsWith(".sh"))
    .map((f) => `scripts/${f}`),
  ...readdirSync(join(repo, "scripts/debian-root")).map((f) => `scripts/debian-root/${f}`),
  // The boot lab's stand-in SSM agent, installed on the lab's instances.
  "lab/vm/ssm-agent/usr/bin/amazon-ssm-agent",
].sort();

test("there are scripts to check", () => {
  expect(scripts).toEqual(expect.arrayContaining(["scripts/test.sh", "scripts/debian-root.sh"]));
});

test.each(scripts)("%s passes shellcheck", (script) => {
  const result = run("shellcheck", ["-S", "style", join(repo, script)]);
  expect(result.output).toBe("");
  expect(result.status).toBe(0);
});

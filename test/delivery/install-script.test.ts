/**
 * The installer the config document runs from its staging directory, run for real by
 * /bin/sh under a temporary root: the document's own commands unpack a synthesized bundle,
 * the installer puts each file it carries at its path with its mode, a second run changes
 * nothing, a changed file is installed again.
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import type { TerraformStack } from "cdktf";
import { ExchangeLoadBalancer, ImapVip } from "../../lib";
import { DOCUMENT_FILES } from "../../lib/delivery/bundle";
import { PATHS, STAGED } from "../../lib/instance/paths";
import { InstanceRoot } from "../support/instance-root";
import { fixture, resourcesOf, synthJson } from "../support/synth";

let root: InstanceRoot;
afterEach(() => root?.remove());

/**
 * The document's commands but its last (the apply program), under a new `root`: the installer
 * as the document runs it (`installer`: the installer alone, its exit status kept).
 */
function installScript(lb: ExchangeLoadBalancer, stack: TerraformStack, installer = false) {
  const json = synthJson(stack);
  const document = resourcesOf(json, "aws_ssm_document").find((d) => d.name.endsWith("-config"));
  const commands: string[] = JSON.parse(String(document.content)).mainSteps[0].inputs.runCommand;
  root = new InstanceRoot();
  root.installUserData(lb.renderUserData());
  root.fake("logger");
  const stage = root.path("stage");
  const install = commands.at(-2)!;
  const run = installer ? install.replace(/ \|\| echo .*$/, "") : install;
  const script = [
    ...commands
      .slice(0, -2)
      .filter((c) => !c.startsWith("trap "))
      .map((c) => c.replace("stage=$(mktemp -d)", `stage=${stage}; mkdir -p $stage`)),
    `EXCHANGE_LB_ROOT=${root.dir} PATH=${root.path("bin")}:$PATH ${run}`,
  ].join("\n");
  return { script, install, stage };
}

test("the document's files at their paths, each with its mode; again: nothing; a change: that file", async () => {
  const { lb, stack } = fixture();
  new ImapVip(lb, "CasImap");
  const { script, install, stage } = installScript(lb, stack);
  expect(install).toBe(
    `sh "$stage/${STAGED.STAGED_INSTALL_PROGRAM}" "$stage" || echo "${STAGED.STAGED_INSTALL_PROGRAM} failed" >&2`,
  );
  const first = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  expect(first.status).toBe(0);
  for (const file of DOCUMENT_FILES) {
    expect(first.stderr).toContain(`exchange-lb-install: ${PATHS[file.path]} installed`);
    expect(root.read(PATHS[file.path])).toBe(
      spawnSync("cat", [`${stage}/${STAGED[file.staged]}`], { encoding: "utf8" }).stdout,
    );
    expect(statSync(root.path(PATHS[file.path])).mode & 0o777).toBe(
      file.permissions === "0755" ? 0o755 : 0o644,
    );
  }
  expect(root.read(PATHS.MONITORING_SETTINGS)).toContain('METRICS_PUBLISH="yes"');

  const again = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  expect(again).toMatchObject({ status: 0, stderr: "" });

  root.write(PATHS.MONITORING_SETTINGS, "changed on the node\n");
  const restored = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  expect(restored.stderr.trim()).toBe(
    `exchange-lb-install: ${PATHS.MONITORING_SETTINGS} installed`,
  );
});

test("a file that cannot be installed is said; the others still are, and the installer fails at the end", () => {
  const { lb, stack } = fixture();
  new ImapVip(lb, "CasImap");
  const { script } = installScript(lb, stack, true);
  // chmod fails on the metrics program alone (a full disk, say): its install fails.
  root.fake(
    "chmod",
    `case "$2" in *${PATHS.METRICS_PROGRAM}.new) exit 1 ;; esac\nexec /bin/chmod "$@"`,
  );
  const run = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`exchange-lb-install: installing ${PATHS.METRICS_PROGRAM} failed`);
  for (const file of DOCUMENT_FILES.filter((f) => f.path !== "METRICS_PROGRAM")) {
    expect(run.stderr).toContain(`exchange-lb-install: ${PATHS[file.path]} installed`);
  }
  expect(root.exists(PATHS.SERVER_STATE_PROGRAM)).toBe(true);
});

/**
 * The instance's programs as shipped files: every shell file passes
 * shellcheck, every path comes from the settings file (PATHS, defined once),
 * every variable a program reads is set on each kind of node that installs
 * it, and every unit's `@NAME@` is a path of PATHS.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  CasHttpsVip,
  ExchangeLoadBalancerProps,
  SmtpVip,
  TlsCertificate,
  VipPlacement,
} from "../../lib";
import { PATHS, STAGED } from "../../lib/instance/paths";
import { stagedFile } from "../../lab/synthesized";
import {
  PROGRAMS,
  PROGRAM_DIR,
  deliveredProgram,
  fillPaths,
  installedProgram,
  withoutComments,
  programText,
} from "../../lib/instance/programs";
import { fixture, resourcesOf, synthJson } from "../support/synth";
import { run } from "../support/tools";

const files = readdirSync(PROGRAM_DIR).sort();
const shellFiles = files.filter((file) => !/\.(service|timer|conf)$/.test(file));

test("every file in the folder is a program the user-data can install, and every program a file", () => {
  expect(
    Object.values(PROGRAMS)
      .map((p) => p.file)
      .sort(),
  ).toEqual(files);
});

test.each(shellFiles)("%s passes shellcheck as POSIX sh", (file) => {
  const result = run("shellcheck", ["-s", "sh", "-S", "style", join(PROGRAM_DIR, file)]);
  expect(result.output).toBe("");
  expect(result.status).toBe(0);
});

test("shellcheck can fail", () => {
  expect(run("shellcheck", ["-s", "sh", "-"], { input: "echo $1\n" }).status).not.toBe(0);
});

test.each(shellFiles.filter((f) => programText(programName(f)).startsWith("#!")))(
  "%s reads the settings file at PATHS.SETTINGS under its one test hook, EXCHANGE_LB_ROOT",
  (file) => {
    const text = programText(programName(file));
    expect(text).toContain("ROOT=${EXCHANGE_LB_ROOT:-}\n");
    expect(text).toContain(`. "$ROOT${PATHS.SETTINGS}"\n`);
  },
);

test.each(files)("%s names no other path of PATHS literally", (file) => {
  const text = programText(programName(file));
  const literal = Object.entries(PATHS).filter(
    ([name, path]) => name !== "SETTINGS" && text.includes(path),
  );
  expect(literal).toEqual([]);
});

test("a unit's @NAME@ becomes the path; an unknown name is refused", () => {
  const unit = installedProgram("certificatesService");
  expect(programText("certificatesService")).toContain("ExecStart=@CERTIFICATES_PROGRAM@ --reload");
  expect(unit.content).toContain(`ExecStart=${PATHS.CERTIFICATES_PROGRAM} --reload`);
  for (const name of Object.keys(PROGRAMS) as (keyof typeof PROGRAMS)[]) {
    expect(installedProgram(name).content).not.toMatch(/@[A-Z_]+@/);
  }
  expect(() => fillPaths("x.service", "ExecStart=@NO_SUCH_PATH@\n")).toThrow(
    "x.service: @NO_SUCH_PATH@ is not a path of PATHS",
  );
});

/** Variables a program reads that it does not set itself. */
function readVariables(text: string): Set<string> {
  const used = new Set([...text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
  for (const m of text.matchAll(/(?:^|[\s;&|(])([A-Z][A-Z0-9_]*)=/gm)) used.delete(m[1]);
  // The test hook, and keepalived's own variable written for it.
  used.delete("EXCHANGE_LB_ROOT");
  used.delete("INTERFACE");
  return used;
}

const NODE_KINDS: Record<string, Partial<ExchangeLoadBalancerProps>> = {
  "one instance": {},
  "one instance without the SSM agent": { installSsmAgent: false },
  ...Object.fromEntries(
    [
      VipPlacement.secondaryIp(),
      VipPlacement.routeTable({ routeTableIds: ["rtb-0a"] }),
      VipPlacement.elasticIp({ allocationId: "eipalloc-0a" }),
    ].map((placement) => [
      `a pair node, ${placement.kind}`,
      {
        subnetId: undefined,
        vipAddress: placement.kind === "route-table" ? "10.100.0.10" : "192.168.30.10",
        highAvailability: {
          nodes: [
            { subnetId: "subnet-0a1b2c3d", address: "192.168.30.5" },
            { subnetId: "subnet-0a1b2c3d", address: "192.168.30.6" },
          ],
          vipPlacement: placement,
        },
      },
    ]),
  ),
};

test.each(Object.entries(NODE_KINDS))(
  "%s: the settings file sets every variable its programs read, and nothing they do not",
  (_kind, props) => {
    const { lb, stack } = fixture(props);
    new CasHttpsVip(lb, "CasWeb", {
      tls: "bridge",
      certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail"),
    });
    new SmtpVip(lb, "Smtp", { allowedSources: ["192.168.30.50"] });
    const node = lb.nodeAddresses[0];
    const written: { path: string; content: string }[] = parse(lb.renderUserData(node)).write_files;
    const programs = written.filter(
      (f) => f.path === PATHS.FUNCTIONS || f.content.startsWith("#!"),
    );
    const settings = written.find((f) => f.path === PATHS.SETTINGS)!.content;
    const set = new Set([...settings.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const read = new Set(programs.flatMap((p) => [...readVariables(p.content)]));
    expect([...read].filter((name) => !set.has(name))).toEqual([]);
    // Paths no installed program reads stay out of the user-data.
    const unread = Object.keys(PATHS).filter((name) => set.has(name) && !read.has(name));
    expect(unread).toEqual([]);
    // The programs the config document carries read the settings file and their own, delivered
    // with them: every path they read is in theirs (a node booted earlier lacks some in its own).
    const config = resourcesOf(synthJson(stack), "aws_ssm_document").find((d) =>
      String(d.name).endsWith("-config"),
    );
    const monitoring = stagedFile(String(config.content), STAGED.STAGED_MONITORING_SETTINGS);
    const theirs = new Set([...monitoring.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    for (const name of ["metrics", "logs", "serverState"] as const) {
      const needs = [...readVariables(deliveredProgram(name))];
      expect(needs.filter((v) => !set.has(v) && !theirs.has(v))).toEqual([]);
      expect(needs.filter((v) => v in PATHS && !theirs.has(v))).toEqual([]);
    }
  },
);

function programName(file: string): keyof typeof PROGRAMS {
  const entry = Object.entries(PROGRAMS).find(([, p]) => p.file === file);
  if (!entry) throw new Error(`${file} is not in PROGRAMS`);
  return entry[0] as keyof typeof PROGRAMS;
}

test("the installed copy of a shell program has no comment lines but its first; a unit keeps its own", () => {
  const installed = installedProgram("apply").content;
  expect(installed.startsWith("#!/bin/sh\n")).toBe(true);
  expect(installed.split("\n").filter((line) => /^\s*#/.test(line))).toEqual(["#!/bin/sh"]);
  expect(
    programText("apply")
      .split("\n")
      .filter((line) => /^\s*#/.test(line)).length,
  ).toBeGreaterThan(5);
  expect(installedProgram("functions").content).not.toMatch(/^\s*#(?! Exchange)/m);
  expect(installedProgram("certificatesService").content).toBe(
    fillPaths("x", programText("certificatesService")),
  );
  expect(withoutComments("#!/bin/sh\n# why\necho '#'  # keep\n  # indented\n")).toBe(
    "#!/bin/sh\necho '#'  # keep\n",
  );
});

/**
 * A scratch git repository for exchange-lb-review's `--diff`: a cdktf app in `sub/app` whose
 * `app` is a tiny node program that copies `lb.json` (a real cdk.tf.json) into CDKTF_OUTDIR, with
 * its package-lock.json and node_modules one level up, in `sub/`. Tag `broken` is the app failing;
 * HEAD is the app working; the working tree changes a real server's weight in `lb.json`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const GOLDEN = join(__dirname, "..", "golden", "exchange-se-pair", "cdk.tf.json");
/** The summary line the working tree changes, and what the review says of it. */
export const EX2 = "real server EX2 10.0.2.20 weight 100, state ready";
export const WEIGHT_CHANGE = "  ~ [VIP CasHttps (CAS-HTTPS)] real server EX2: weight 100 → 50\n";

export interface ScratchRepo {
  /** The repository's top. */
  readonly top: string;
  /** The app's directory, `sub/app`: the command's cwd. */
  readonly app: string;
  /** What the app at a ref saw, written outside the worktree. */
  probe(): { linked: boolean | "absent"; context: string | undefined };
  git(...args: string[]): string;
  write(path: string, text: string): void;
}

const LOCK = {
  name: "sub",
  version: "1.0.0",
  lockfileVersion: 3,
  requires: true,
  packages: { "": { name: "sub", version: "1.0.0" } },
};

function appSource(probe: string): string {
  return `const fs = require("node:fs");
const path = require("node:path");
let linked = "absent";
try {
  linked = fs.lstatSync("../node_modules").isSymbolicLink();
} catch {}
fs.writeFileSync(${JSON.stringify(probe)}, JSON.stringify({ linked, context: process.env.CDKTF_CONTEXT_JSON }));
process.stdout.write("app noise on stdout\\n");
const stack = path.join(process.env.CDKTF_OUTDIR, "stacks", "s");
fs.mkdirSync(stack, { recursive: true });
fs.copyFileSync("lb.json", path.join(stack, "cdk.tf.json"));
`;
}

/** The synthesized output of `json` at `outdir`, as `cdktf synth` would write it. */
export function writeSynth(outdir: string, json: string): void {
  mkdirSync(join(outdir, "stacks", "s"), { recursive: true });
  writeFileSync(join(outdir, "stacks", "s", "cdk.tf.json"), json);
}

export function scratchRepo(root: string): ScratchRepo {
  const top = join(root, "repo");
  const app = join(top, "sub", "app");
  const probe = join(root, "probe.json");
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(top, path)), { recursive: true });
    writeFileSync(join(top, path), text);
  };
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@e", ...args], {
      cwd: top,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  const golden = readFileSync(GOLDEN, "utf8");
  write(".gitignore", "node_modules/\ncdktf.out/\n");
  write("sub/package.json", JSON.stringify({ name: "sub", version: "1.0.0", private: true }));
  write("sub/package-lock.json", `${JSON.stringify(LOCK, null, 2)}\n`);
  mkdirSync(join(top, "sub", "node_modules"));
  write(
    "sub/app/cdktf.json",
    JSON.stringify({ language: "typescript", app: "node app.js", context: { flavour: "lab" } }),
  );
  write("sub/app/lb.json", golden);
  write("sub/app/app.js", 'process.stderr.write("boom: the app broke\\n");\nprocess.exit(3);\n');
  git("init", "--quiet");
  git("add", "-A");
  git("commit", "--quiet", "-m", "broken");
  git("tag", "broken");
  write("sub/app/app.js", appSource(probe));
  git("add", "-A");
  git("commit", "--quiet", "-m", "working");
  const changed = golden.replace(EX2, "real server EX2 10.0.2.20 weight 50, state ready");
  if (changed === golden) throw new Error(`${GOLDEN} no longer holds "${EX2}"`);
  write("sub/app/lb.json", changed);
  writeSynth(join(app, "cdktf.out"), changed);
  return {
    top,
    app,
    probe: () => JSON.parse(readFileSync(probe, "utf8")),
    git,
    write,
  };
}

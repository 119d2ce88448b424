/**
 * Where exchange-lb-review gets its Terraform: a `cdktf synth` output directory, or the app as
 * it was at a git ref, synthesized in a temporary worktree the way `cdktf synth` runs it
 * (cdktf.json's `app`, with CDKTF_OUTDIR and CDKTF_CONTEXT_JSON). The ref's dependencies: the
 * node_modules beside the package-lock.json nearest the app, linked when that lock is the same
 * at the ref, else `npm ci`. Children write to our stderr only: our stdout is the review, which
 * a workflow posts as it is.
 */
import { execFileSync, execSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { reviewDocuments } from "../review/document";

/** Every load balancer's review document in a cdktf output directory, by construct path. */
export function reviewsIn(outdir: string): Map<string, string> {
  const stacks = join(outdir, "stacks");
  if (!existsSync(stacks)) {
    throw new Error(`${outdir}: no stacks/ directory. Fix: run \`npx cdktf synth\` first`);
  }
  const reviews = new Map<string, string>();
  const dirs = readdirSync(stacks, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  for (const stack of dirs.map((entry) => entry.name).sort()) {
    const file = join(stacks, stack, "cdk.tf.json");
    // Skipping it would report its load balancers as removed.
    if (!existsSync(file)) {
      throw new Error(
        `${join(stacks, stack)}: stack ${stack} has no cdk.tf.json (an HCL synth writes cdk.tf, which the review cannot read). Fix: run \`npx cdktf synth\` with JSON output (no --hcl)`,
      );
    }
    for (const [path, text] of reviewDocuments(JSON.parse(readFileSync(file, "utf8")))) {
      reviews.set(path, text);
    }
  }
  return reviews;
}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`git ${args.join(" ")}: ${stderr || (error as Error).message}`);
  }
}

/** Runs `work` in a detached worktree of `ref` at the same place in the repository as `cwd`. */
export function inWorktree<T>(ref: string, cwd: string, work: (dir: string) => T): T {
  // git names the top with symlinks resolved (macOS /var is /private/var): so must `here`.
  const here = realpathSync(cwd);
  const top = git(["rev-parse", "--show-toplevel"], here).trim();
  const tree = mkdtempSync(join(tmpdir(), "exchange-lb-review-"));
  try {
    git(["worktree", "add", "--detach", "--quiet", tree, ref], top);
    installModules(ref, top, here, tree);
    return work(join(tree, relative(top, here)));
  } finally {
    // Every path, a failed `worktree add` included, leaves neither the directory nor its entry.
    spawnSync("git", ["worktree", "remove", "--force", tree], { cwd: top, stdio: "ignore" });
    rmSync(tree, { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: top, stdio: "ignore" });
  }
}

/** The nearest directory at or above `from`, up to `top`, that holds a package-lock.json. */
function lockDirOf(top: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package-lock.json"))) return dir;
    if (dir === top || dir === dirname(dir)) return undefined;
  }
}

/** The ref's node_modules: this checkout's when the lock is the same at the ref, else `npm ci`. */
function installModules(ref: string, top: string, here: string, tree: string): void {
  const found = lockDirOf(top, here);
  const base = found ?? here;
  const at = join(tree, relative(top, base));
  const modules = join(base, "node_modules");
  const lock = relative(top, join(base, "package-lock.json"));
  // `git diff` does not see an untracked lock: the ref must have the file too. No lock at all:
  // this checkout's node_modules is the best guess.
  const sameLock =
    found === undefined ||
    (existsSync(join(tree, lock)) &&
      spawnSync("git", ["diff", "--quiet", ref, "--", lock], { cwd: top, stdio: "ignore" })
        .status === 0);
  if (existsSync(join(at, "node_modules"))) return;
  if (sameLock && existsSync(modules)) {
    symlinkSync(modules, join(at, "node_modules"), "dir");
  } else if (existsSync(join(at, "package-lock.json"))) {
    try {
      // npm reports to stdout: to our stderr with it.
      execSync("npm ci --no-audit --no-fund --loglevel=error", {
        cwd: at,
        stdio: ["ignore", 2, "inherit"],
      });
    } catch {
      throw new Error(`${ref}: \`npm ci\` failed at this ref for its ${lock}`);
    }
  }
}

/** The review documents of the app at `ref`: its cdktf.json's app run in a worktree. */
export function reviewsAt(ref: string, cwd: string): Map<string, string> {
  return inWorktree(ref, cwd, (dir) => {
    const file = join(dir, "cdktf.json");
    if (!existsSync(file)) throw new Error(`${ref}: no cdktf.json in the app's directory`);
    const config = JSON.parse(readFileSync(file, "utf8")) as { app?: string; context?: unknown };
    if (!config.app) throw new Error(`${ref}: cdktf.json names no app`);
    const outdir = join(dir, "exchange-lb-review.out");
    runApp(ref, config.app, dir, {
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify(config.context ?? {}),
      // The review reads cdk.tf.json; the environment must not ask for HCL.
      SYNTH_HCL_OUTPUT: "false",
    });
    return reviewsIn(outdir);
  });
}

/** Runs the app as `cdktf synth` does (a shell command); its stdout goes to our stderr. */
function runApp(ref: string, app: string, dir: string, env: Record<string, string>): void {
  const run = spawnSync(app, {
    cwd: dir,
    shell: true,
    env: { ...process.env, ...env },
    stdio: ["ignore", 2, "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const stderr = run.stderr?.toString() ?? "";
  process.stderr.write(stderr);
  if (run.error === undefined && run.status === 0) return;
  const how = run.error?.message ?? `exit ${run.status ?? run.signal}`;
  const tail = stderr.trimEnd().split("\n").slice(-20).join("\n");
  throw new Error(
    `${ref}: the app failed at this ref: \`${app}\` (${how})${tail ? `; its stderr ends:\n${tail}` : ""}`,
  );
}

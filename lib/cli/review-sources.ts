/**
 * Where exchange-lb-review gets its Terraform: a `cdktf synth` output directory, or the app as
 * it was at a git ref, synthesized in a temporary worktree (cdktf.json's `app`, with
 * CDKTF_OUTDIR), with this checkout's node_modules unless the ref's package-lock.json differs.
 */
import { execFileSync, execSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { reviewDocuments } from "../review/document";

/** Every load balancer's review document in a cdktf output directory, by construct path. */
export function reviewsIn(outdir: string): Map<string, string> {
  const stacks = join(outdir, "stacks");
  if (!existsSync(stacks)) {
    throw new Error(`${outdir}: no stacks/ directory. Fix: run \`npx cdktf synth\` first`);
  }
  const reviews = new Map<string, string>();
  for (const stack of readdirSync(stacks).sort()) {
    const file = join(stacks, stack, "cdk.tf.json");
    if (!existsSync(file)) continue;
    for (const [path, text] of reviewDocuments(JSON.parse(readFileSync(file, "utf8")))) {
      reviews.set(path, text);
    }
  }
  return reviews;
}

/** Runs `work` in a detached worktree of `ref` at the same place in the repository as `cwd`. */
export function inWorktree<T>(ref: string, cwd: string, work: (dir: string) => T): T {
  const git = (args: string[], at = cwd) =>
    execFileSync("git", args, { cwd: at, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const top = git(["rev-parse", "--show-toplevel"]).trim();
  const tree = mkdtempSync(join(tmpdir(), "exchange-lb-review-"));
  git(["worktree", "add", "--detach", "--quiet", tree, ref]);
  try {
    const dir = join(tree, relative(top, resolve(cwd)));
    const modules = join(cwd, "node_modules");
    let sameLock = true;
    try {
      git(["diff", "--quiet", ref, "--", "package-lock.json"]);
    } catch {
      sameLock = false;
    }
    if (sameLock && existsSync(modules)) symlinkSync(modules, join(dir, "node_modules"), "dir");
    else execSync("npm ci --no-audit --no-fund --loglevel=error", { cwd: dir, stdio: "inherit" });
    return work(dir);
  } finally {
    git(["worktree", "remove", "--force", tree], top);
    rmSync(tree, { recursive: true, force: true });
  }
}

/** The review documents of the app at `ref`: its cdktf.json's app run in a worktree. */
export function reviewsAt(ref: string, cwd: string): Map<string, string> {
  return inWorktree(ref, cwd, (dir) => {
    const config = JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")) as { app?: string };
    if (!config.app) throw new Error(`${ref}: cdktf.json names no app`);
    const outdir = join(dir, "exchange-lb-review.out");
    execSync(config.app, {
      cwd: dir,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      stdio: ["ignore", "ignore", "inherit"],
    });
    return reviewsIn(outdir);
  });
}

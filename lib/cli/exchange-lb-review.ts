#!/usr/bin/env node
/**
 * The review documents of a synthesized cdktf app, and what a change does in review terms
 * (README, "Review every change in a pull request"):
 *
 *   npx exchange-lb-review [cdktf.out]                  print every load balancer's document
 *   npx exchange-lb-review --out review [cdktf.out]     write review/<stack>.<path>.txt
 *   npx exchange-lb-review --diff origin/main [cdktf.out]
 *       the changes against the app at a git ref (synthesized in a temporary worktree)
 *   npx exchange-lb-review --diff origin/main --out review [cdktf.out]
 *       both: writes this side's documents (the after side) and prints the diff alone
 *   npx exchange-lb-review diff BEFORE AFTER            two documents, or two --out directories
 *
 * `--exit-code`, with `--diff` or `diff`: exit 1 when anything changed, as `git diff --exit-code`
 * does. Exit 2 on a usage or any other error. Only the review goes to stdout (a workflow posts
 * it); npm's and the app's output go to stderr.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { diffReviews } from "../review/diff";
import { reviewsAt, reviewsIn } from "./review-sources";

const USAGE =
  "usage: exchange-lb-review [--out DIR] [--diff REF [--exit-code]] [CDKTF_OUT] | diff [--exit-code] BEFORE AFTER";
const NO_CHANGE = "No change in review terms.\n";

/** What the command prints, whether the compared sides differ, and the exit code it asks for. */
export interface Result {
  readonly output: string;
  readonly changed: boolean;
  readonly exitCode: 0 | 1;
}

/** The command line, checked. */
interface Args {
  readonly diffCommand: boolean;
  readonly paths: readonly string[];
  readonly out?: string;
  readonly ref?: string;
  readonly exitCode: boolean;
}

/** `exchange-se-pair/Lb` is written as `exchange-se-pair.Lb.txt`. */
export function fileNameOf(path: string): string {
  return `${path.replace(/\//g, ".")}.txt`;
}

/**
 * The changes between two sets of review documents, a heading per load balancer. A load balancer
 * on one side only shows its whole document as added or removed lines, IAM and rules included.
 */
export function diffAll(
  before: Map<string, string>,
  after: Map<string, string>,
): { output: string; changed: boolean } {
  const paths = [...new Set([...after.keys(), ...before.keys()])].sort();
  if (paths.length === 0) {
    return { output: "No Exchange load balancer on either side.\n", changed: false };
  }
  const parts = paths.map((path) => {
    const old = before.get(path);
    const now = after.get(path);
    if (old === undefined) return oneSided(`## ${path} (new load balancer)`, diffReviews("", now!));
    if (now === undefined) return oneSided(`## ${path} (removed)`, diffReviews(old, ""));
    const changes = diffReviews(old, now);
    return { text: `## ${path}\n${changes}`, changed: changes !== NO_CHANGE };
  });
  return {
    output: parts.map((part) => part.text).join("\n"),
    changed: parts.some((part) => part.changed),
  };
}

/** A document with no section diffs as "no change": under this heading, say nothing. */
function oneSided(heading: string, changes: string): { text: string; changed: boolean } {
  return { text: `${heading}\n${changes === NO_CHANGE ? "" : changes}`, changed: true };
}

function usage(reason: string): Error {
  return new Error(`${USAGE}\n  ${reason}`);
}

function parseArgs(argv: readonly string[]): Args {
  const diffCommand = argv[0] === "diff";
  const options = new Map<string, string>();
  const paths: string[] = [];
  let exitCode = false;
  for (let i = diffCommand ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--exit-code") {
      exitCode = true;
    } else if (!diffCommand && (arg === "--out" || arg === "--diff")) {
      const value = argv[++i];
      if (!value || value.startsWith("-")) throw usage(`${arg} needs a value`);
      if (options.has(arg)) throw usage(`${arg} is given twice`);
      options.set(arg, value);
    } else if (arg.startsWith("-")) {
      throw usage(`unknown option ${arg}${diffCommand ? " for diff" : ""}`);
    } else {
      paths.push(arg);
    }
  }
  if (diffCommand && paths.length !== 2) {
    throw usage(`diff compares two paths (BEFORE AFTER), not ${paths.length}`);
  }
  if (!diffCommand && paths.length > 1)
    throw usage(`one cdktf output directory, not ${paths.length}`);
  if (exitCode && !diffCommand && !options.has("--diff")) {
    throw usage("--exit-code goes with --diff or diff");
  }
  return { diffCommand, paths, out: options.get("--out"), ref: options.get("--diff"), exitCode };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    throw new Error(`${path}: no such file or directory`);
  }
}

/** A document as one side, or an `--out` directory's documents by file name. */
function readSide(path: string, directory: boolean): Map<string, string> {
  if (!directory) return new Map([["(document)", readFileSync(path, "utf8")]]);
  const names = readdirSync(path).filter((name) => name.endsWith(".txt"));
  return new Map(names.sort().map((name) => [name, readFileSync(join(path, name), "utf8")]));
}

function diffPaths(before: string, after: string): { output: string; changed: boolean } {
  const directory = isDirectory(before);
  if (isDirectory(after) !== directory) {
    throw usage(`${before} and ${after}: compare two documents or two --out directories`);
  }
  return diffAll(readSide(before, directory), readSide(after, directory));
}

function writeReviews(dir: string, reviews: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of reviews) writeFileSync(join(dir, fileNameOf(path)), text);
}

export function main(argv: readonly string[], cwd = process.cwd()): Result {
  const args = parseArgs(argv);
  const compared = (diff: { output: string; changed: boolean }): Result => ({
    ...diff,
    exitCode: args.exitCode && diff.changed ? 1 : 0,
  });
  if (args.diffCommand) {
    return compared(diffPaths(resolve(cwd, args.paths[0]), resolve(cwd, args.paths[1])));
  }
  const reviews = reviewsIn(resolve(cwd, args.paths[0] ?? "cdktf.out"));
  if (args.out !== undefined) writeReviews(resolve(cwd, args.out), reviews);
  if (args.ref !== undefined) return compared(diffAll(reviewsAt(args.ref, cwd), reviews));
  const output =
    args.out !== undefined
      ? `${reviews.size} review document(s) written to ${args.out}/\n`
      : [...reviews.values()].join("\n");
  return { output, changed: false, exitCode: 0 };
}

if (require.main === module) {
  try {
    const result = main(process.argv.slice(2));
    process.stdout.write(result.output);
    process.exitCode = result.exitCode;
  } catch (error) {
    process.stderr.write(`exchange-lb-review: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

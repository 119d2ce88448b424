#!/usr/bin/env node
/**
 * The review documents of a synthesized cdktf app, and what a change does in review terms
 * (README, "Review every change in a pull request"):
 *
 *   npx exchange-lb-review [cdktf.out]                  print every load balancer's document
 *   npx exchange-lb-review --out review [cdktf.out]     write review/<stack>.<path>.txt
 *   npx exchange-lb-review --diff origin/main [cdktf.out]
 *       the changes against the app at a git ref (synthesized in a temporary worktree)
 *   npx exchange-lb-review diff BEFORE AFTER            two documents, or two --out directories
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { diffReviews } from "../review/diff";
import { reviewsAt, reviewsIn } from "./review-sources";

/** `exchange-se-pair/Lb` is written as `exchange-se-pair.Lb.txt`. */
export function fileNameOf(path: string): string {
  return `${path.replace(/\//g, ".")}.txt`;
}

/** The changes between two sets of review documents, a heading per load balancer. */
export function diffAll(before: Map<string, string>, after: Map<string, string>): string {
  const paths = [...new Set([...after.keys(), ...before.keys()])].sort();
  const parts = paths.map((path) => {
    const old = before.get(path);
    const now = after.get(path);
    if (old === undefined) return `## ${path} (new load balancer)\n`;
    if (now === undefined) return `## ${path} (removed)\n`;
    return `## ${path}\n${diffReviews(old, now)}`;
  });
  return parts.length > 0 ? parts.join("\n") : "No Exchange load balancer on either side.\n";
}

function readSide(path: string): Map<string, string> {
  if (!statSync(path).isDirectory()) return new Map([["(document)", readFileSync(path, "utf8")]]);
  const names = readdirSync(path).filter((name) => name.endsWith(".txt"));
  return new Map(names.sort().map((name) => [name, readFileSync(join(path, name), "utf8")]));
}

export function main(argv: readonly string[], cwd = process.cwd()): string {
  if (argv[0] === "diff" && argv.length === 3) return diffAll(readSide(argv[1]), readSide(argv[2]));
  const options = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" || argv[i] === "--diff") options.set(argv[i], argv[++i] ?? "");
    else rest.push(argv[i]);
  }
  if (rest.length > 1 || [...options.values()].includes("") || rest[0]?.startsWith("-")) {
    throw new Error(
      `usage: exchange-lb-review [--out DIR] [--diff REF] [CDKTF_OUT] | diff BEFORE AFTER`,
    );
  }
  const reviews = reviewsIn(resolve(cwd, rest[0] ?? "cdktf.out"));
  const ref = options.get("--diff");
  if (ref !== undefined) return diffAll(reviewsAt(ref, cwd), reviews);
  const out = options.get("--out");
  if (out === undefined) return [...reviews.values()].join("\n");
  const dir = resolve(cwd, out);
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of reviews) writeFileSync(join(dir, fileNameOf(path)), text);
  return `${reviews.size} review document(s) written to ${out}/\n`;
}

if (require.main === module) {
  try {
    process.stdout.write(main(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`exchange-lb-review: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

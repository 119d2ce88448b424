/**
 * The review's command lines: `npm run render -- <stack> review [--diff REF]` for the examples,
 * and `exchange-lb-review` (the package's bin) on a user's synthesized app, with `--diff` against
 * a git ref synthesized in a worktree.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diffAll, fileNameOf, main } from "../../lib/cli/exchange-lb-review";
import { diffReviews } from "../../lib/review/diff";
import { reviewDocuments } from "../../lib/review/document";
import { render } from "../../bin/render";
import { EX2, GOLDEN, WEIGHT_CHANGE, scratchRepo, writeSynth } from "./cli-scratch-repo";

const REPO = resolve(__dirname, "..", "..");
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "review-cli-"));
  scratch.push(dir);
  return dir;
}

/** Synthesizes this repository's app (bin/main.ts) at `cwd` into `outdir`. */
function synth(cwd: string, outdir: string): void {
  execFileSync("npx", ["ts-node", "bin/main.ts"], {
    cwd,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

test("npm run render -- <stack> review prints the stack's review document", () => {
  const text = render("exchange-se-pair", "review");
  expect(text.startsWith("# Exchange load balancer exchange-se-pair/Lb: review document\n")).toBe(
    true,
  );
});

describe("exchange-lb-review", () => {
  const outdir = tempDir();
  beforeAll(() => synth(REPO, outdir), 120_000);

  test("prints, then writes, every load balancer's document of a cdktf output", () => {
    const printed = main([outdir]).output;
    const titles = printed.match(/^# Exchange load balancer .*$/gm);
    expect(titles).toEqual([
      "# Exchange load balancer aws-lab/Lb: review document",
      "# Exchange load balancer exchange-2010/Lb: review document",
      "# Exchange load balancer exchange-2013/Lb: review document",
      "# Exchange load balancer exchange-se-fleet/Lb: review document",
      "# Exchange load balancer exchange-se-pair/Lb: review document",
    ]);
    const out = tempDir();
    expect(main(["--out", out, outdir]).output).toBe(`5 review document(s) written to ${out}/\n`);
    expect(readdirSync(out)).toContain("exchange-se-pair.Lb.txt");
    expect(readFileSync(join(out, fileNameOf("exchange-se-pair/Lb")), "utf8")).toBe(
      render("exchange-se-pair", "review"),
    );
    expect(main(["diff", out, out]).output).toContain(
      "## exchange-se-pair.Lb.txt\nNo change in review terms.\n",
    );
  });

  test("refuses a directory cdktf did not write, and unknown arguments, with the fix", () => {
    expect(() => main([tempDir()])).toThrow(
      /no stacks\/ directory\. Fix: run `npx cdktf synth` first/,
    );
    expect(() => main(["--bogus"])).toThrow(/^usage: exchange-lb-review/);
  });
});

test("--diff REF: a weight changed in the working tree, against HEAD, in review terms", () => {
  // A repository of its own (the checkout under test need not be one): HEAD is this tree.
  const clone = tempDir();
  const skip = /\/(node_modules|\.git|cdktf\.out|dist|tmp)$/;
  cpSync(REPO, clone, { recursive: true, filter: (path) => !skip.test(path) });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
      cwd: clone,
      stdio: "ignore",
    });
  git("init", "--quiet");
  git("add", "-A");
  git("commit", "--quiet", "-m", "base");
  symlinkSync(join(REPO, "node_modules"), join(clone, "node_modules"), "dir");
  const stack = join(clone, "examples", "exchange-se-pair", "stack.ts");
  const source = readFileSync(stack, "utf8");
  const changed = source.replace(
    '{ name: "EX2", address: "10.0.2.20" }',
    '{ name: "EX2", address: "10.0.2.20", weight: 50 }',
  );
  expect(changed).not.toBe(source);
  writeFileSync(stack, changed);
  const weight = "  ~ [backend CasHttps] server EX2 10.0.2.20: weight 100 → 50\n";
  // The repository's own CLI, for the examples.
  const rendered = execFileSync(
    "npx",
    ["ts-node", "bin/render.ts", "exchange-se-pair", "review", "--diff", "HEAD"],
    {
      cwd: clone,
      encoding: "utf8",
    },
  );
  expect(rendered).toContain(weight);
  // The package's bin, on the app's synthesized output.
  const out = join(clone, "cdktf.out");
  synth(clone, out);
  const diff = main(["--diff", "HEAD"], clone).output;
  expect(diff).toContain(`## exchange-se-pair/Lb\n== Summary\n`);
  expect(diff).toContain(weight);
  expect(diff).toContain("## exchange-2013/Lb\nNo change in review terms.\n");
  // The worktree is gone.
  expect(
    execFileSync("git", ["worktree", "list"], { cwd: clone, encoding: "utf8" }).trim().split("\n"),
  ).toHaveLength(1);
  expect(existsSync(out)).toBe(true);
}, 300_000);

/** The package's bin as a process of its own: its stdout, stderr and exit status. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const register = require.resolve("ts-node/register/transpile-only");
  const bin = join(REPO, "lib", "cli", "exchange-lb-review.ts");
  return spawnSync(process.execPath, ["-r", register, bin, ...args], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      TS_NODE_PROJECT: join(REPO, "tsconfig.json"),
      npm_config_update_notifier: "false",
      ...env,
    },
  });
}

function worktrees(top: string): string[] {
  return execFileSync("git", ["worktree", "list"], { cwd: top, encoding: "utf8" })
    .trim()
    .split("\n");
}

describe("exchange-lb-review --diff, the app in a subdirectory of a scratch repository", () => {
  const repo = scratchRepo(tempDir());

  test("links the nearest lock's node_modules, runs the app with cdktf's context, writes --out", () => {
    const out = tempDir();
    const result = main(["--diff", "HEAD", "--out", out], repo.app);
    expect(result.output.startsWith("## exchange-se-pair/Lb\n== Summary\n")).toBe(true);
    expect(result.output).toContain(WEIGHT_CHANGE);
    expect(result).toMatchObject({ changed: true, exitCode: 0 });
    // sub/package-lock.json is the same at HEAD: sub/node_modules was linked, not installed.
    expect(repo.probe()).toEqual({ linked: true, context: JSON.stringify({ flavour: "lab" }) });
    // --out with --diff: the after side's documents are written, the diff alone printed.
    expect(readdirSync(out)).toEqual(["exchange-se-pair.Lb.txt"]);
    expect(readFileSync(join(out, "exchange-se-pair.Lb.txt"), "utf8")).toContain(
      "real server EX2 10.0.2.20 weight 50",
    );
    expect(worktrees(repo.top)).toHaveLength(1);
  });

  test("--exit-code: 1 when the review changed, 0 when it did not", () => {
    expect(main(["--diff", "HEAD", "--exit-code"], repo.app).exitCode).toBe(1);
    const same = join(tempDir(), "cdktf.out");
    writeSynth(same, readFileSync(GOLDEN, "utf8"));
    const unchanged = main(["--diff", "HEAD", "--exit-code", same], repo.app);
    expect(unchanged).toEqual({
      output: "## exchange-se-pair/Lb\nNo change in review terms.\n",
      changed: false,
      exitCode: 0,
    });
  });

  test("its stdout is the review alone: npm ci's and the app's output go to stderr", () => {
    // A lock changed in the working tree: the ref's dependencies are installed with npm ci.
    const lock = join(repo.top, "sub", "package-lock.json");
    const text = readFileSync(lock, "utf8");
    writeFileSync(lock, text.replace(/"1\.0\.0"/g, '"1.0.1"'));
    try {
      const run = cli(["--diff", "HEAD", "--exit-code"], repo.app);
      expect(run.stderr).toContain("app noise on stdout");
      expect(run.stderr).toMatch(/up to date|added 0 packages/);
      expect(run.stdout.startsWith("## exchange-se-pair/Lb\n== Summary\n")).toBe(true);
      expect(run.stdout).not.toMatch(/app noise|up to date|added 0 packages/);
      expect(run.status).toBe(1);
      expect(repo.probe().linked).not.toBe(true);
    } finally {
      writeFileSync(lock, text);
    }
    expect(worktrees(repo.top)).toHaveLength(1);
  }, 120_000);

  test("a failing app at the ref is an error naming the ref, the command and its stderr", () => {
    expect(() => main(["--diff", "broken"], repo.app)).toThrow(
      /^broken: the app failed at this ref: `node app\.js` \(exit 3\); its stderr ends:\nboom: the app broke$/,
    );
    expect(worktrees(repo.top)).toHaveLength(1);
  });

  test("a bad ref leaves no temporary directory and no worktree behind", () => {
    // A process of its own: jest's process.env is a copy os.tmpdir() does not read.
    const tmp = tempDir();
    const run = cli(["--diff", "no-such-ref"], repo.app, { TMPDIR: tmp });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^exchange-lb-review: git worktree add .*no-such-ref/);
    // (TypeScript keeps a compile cache there too.)
    expect(readdirSync(tmp).filter((name) => name.startsWith("exchange-lb-review-"))).toEqual([]);
    expect(worktrees(repo.top)).toHaveLength(1);
  });
});

test("a stack synthesized as HCL is an error naming the stack and the fix, not skipped", () => {
  const outdir = tempDir();
  writeSynth(outdir, readFileSync(GOLDEN, "utf8"));
  mkdirSync(join(outdir, "stacks", "hcl"));
  writeFileSync(join(outdir, "stacks", "hcl", "cdk.tf"), "terraform {}\n");
  expect(() => main([outdir])).toThrow(
    /stack hcl has no cdk\.tf\.json .*Fix: run `npx cdktf synth` with JSON output/,
  );
});

test("a load balancer on one side only shows its whole document, added or removed", () => {
  const docs = reviewDocuments(JSON.parse(readFileSync(GOLDEN, "utf8")));
  const text = docs.get("exchange-se-pair/Lb")!;
  // diffReviews of an empty side: the header (text before the first `== `) is not compared;
  // every section is (new) with each of its lines added, or (removed).
  expect(diffReviews("", text).startsWith("== Summary (new)\n")).toBe(true);
  expect(diffReviews("", text)).toContain("\n  + Exchange SE: guides 004, 002\n");
  expect(diffReviews(text, "").startsWith("== Summary (removed)\n")).toBe(true);
  const added = diffAll(new Map(), docs);
  expect(added.changed).toBe(true);
  expect(added.output).toBe(`## exchange-se-pair/Lb (new load balancer)\n${diffReviews("", text)}`);
  expect(added.output).not.toMatch(/^# Exchange load balancer/m);
  expect(added.output).toMatch(/\n== IAM \(new\)\n(?: {2}\+ ! .*\n)?-- .* \(new\)\n {2}\+ \S/);
  expect(added.output).toContain(`  + [VIP CasHttps (CAS-HTTPS)] ${EX2}\n`);
  const removed = diffAll(docs, new Map());
  expect(removed.changed).toBe(true);
  expect(removed.output).toBe(`## exchange-se-pair/Lb (removed)\n${diffReviews(text, "")}`);
  expect(removed.output).toContain("\n== IAM (removed)\n");
  // A document without sections says nothing under its heading rather than "No change".
  expect(diffAll(new Map([["a/Lb", "x"]]), new Map()).output).toBe("## a/Lb (removed)\n");
  expect(diffAll(new Map(), new Map())).toEqual({
    output: "No Exchange load balancer on either side.\n",
    changed: false,
  });
});

describe("arguments", () => {
  const dir = tempDir();
  const [a, b, sub] = ["a.txt", "b.txt", "sub"].map((name) => join(dir, name));
  writeFileSync(a, "== Summary\n  weight 100\n");
  writeFileSync(b, "== Summary\n  weight 50\n");
  mkdirSync(sub);

  test("diff: two documents, --exit-code 1 only when they differ", () => {
    expect(main(["diff", a, b])).toEqual({
      output: "## (document)\n== Summary\n  ~ weight: 100 → 50\n",
      changed: true,
      exitCode: 0,
    });
    expect(main(["diff", "--exit-code", a, b]).exitCode).toBe(1);
    expect(main(["diff", a, a, "--exit-code"])).toMatchObject({ changed: false, exitCode: 0 });
  });

  test.each([
    [["diff", "a.txt"], "diff compares two paths (BEFORE AFTER), not 1"],
    [["diff", "a.txt", "b.txt", "sub"], "diff compares two paths (BEFORE AFTER), not 3"],
    [["diff", "a.txt", "sub"], `${a} and ${sub}: compare two documents or two --out directories`],
    [["diff", "--out", "x", "a.txt", "b.txt"], "unknown option --out for diff"],
    [["--exit-code"], "--exit-code goes with --diff or diff"],
    [["--out"], "--out needs a value"],
    [["--diff", "--out", "x"], "--diff needs a value"],
    [["--out", "x", "--out", "y"], "--out is given twice"],
    [["one", "two"], "one cdktf output directory, not 2"],
    [["--bogus"], "unknown option --bogus"],
  ])("%j is a usage error: %s", (argv, reason) => {
    expect(() => main(argv, dir)).toThrow(
      new Error(
        `usage: exchange-lb-review [--out DIR] [--diff REF [--exit-code]] [CDKTF_OUT] | diff [--exit-code] BEFORE AFTER\n  ${reason}`,
      ),
    );
  });

  test("the bin exits 2 on a usage error, 1 on a change with --exit-code, else 0", () => {
    const usage = cli(["diff", a], dir);
    expect(usage.status).toBe(2);
    expect(usage.stdout).toBe("");
    expect(usage.stderr.startsWith("exchange-lb-review: usage: exchange-lb-review ")).toBe(true);
    expect(cli(["diff", "--exit-code", a, b], dir).status).toBe(1);
    const plain = cli(["diff", a, b], dir);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe("## (document)\n== Summary\n  ~ weight: 100 → 50\n");
  });
});

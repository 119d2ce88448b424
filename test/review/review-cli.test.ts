/**
 * The review's command lines: `npm run render -- <stack> review [--diff REF]` for the examples,
 * and `exchange-lb-review` (the package's bin) on a user's synthesized app, with `--diff` against
 * a git ref synthesized in a worktree.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diffAll, fileNameOf, main } from "../../lib/cli/exchange-lb-review";
import { render } from "../../bin/render";

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
    const printed = main([outdir]);
    const titles = printed.match(/^# Exchange load balancer .*$/gm);
    expect(titles).toEqual([
      "# Exchange load balancer aws-lab/Lb: review document",
      "# Exchange load balancer exchange-2010/Lb: review document",
      "# Exchange load balancer exchange-2013/Lb: review document",
      "# Exchange load balancer exchange-se-fleet/Lb: review document",
      "# Exchange load balancer exchange-se-pair/Lb: review document",
    ]);
    const out = tempDir();
    expect(main(["--out", out, outdir])).toBe(`5 review document(s) written to ${out}/\n`);
    expect(readdirSync(out)).toContain("exchange-se-pair.Lb.txt");
    expect(readFileSync(join(out, fileNameOf("exchange-se-pair/Lb")), "utf8")).toBe(
      render("exchange-se-pair", "review"),
    );
    expect(main(["diff", out, out])).toContain(
      "## exchange-se-pair.Lb.txt\nNo change in review terms.\n",
    );
  });

  test("refuses a directory cdktf did not write, and unknown arguments, with the fix", () => {
    expect(() => main([tempDir()])).toThrow(
      /no stacks\/ directory\. Fix: run `npx cdktf synth` first/,
    );
    expect(() => main(["--bogus"])).toThrow(/^usage: exchange-lb-review/);
  });

  test("a load balancer on one side only is named as such", () => {
    const one = new Map([["a/Lb", "x"]]);
    expect(diffAll(one, new Map())).toBe("## a/Lb (removed)\n");
    expect(diffAll(new Map(), one)).toBe("## a/Lb (new load balancer)\n");
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
  const diff = main(["--diff", "HEAD"], clone);
  expect(diff).toContain(`## exchange-se-pair/Lb\n== Summary\n`);
  expect(diff).toContain(weight);
  expect(diff).toContain("## exchange-2013/Lb\nNo change in review terms.\n");
  // The worktree is gone.
  expect(
    execFileSync("git", ["worktree", "list"], { cwd: clone, encoding: "utf8" }).trim().split("\n"),
  ).toHaveLength(1);
  expect(existsSync(out)).toBe(true);
}, 300_000);

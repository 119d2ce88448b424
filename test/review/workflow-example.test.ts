/**
 * The GitHub Actions workflow users copy: valid YAML, runs on pull requests, runs the snapshot
 * tests, then the review diff against the base branch with the bin's real options, even when
 * the tests fail; refs reach the shell as variables; one sticky comment, cut to fit. The `run:`
 * scripts are checked by bash -n and shellcheck, and the review and post steps run here with
 * stand-ins for npx and gh.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const FILE = join(__dirname, "..", "..", "examples", "github-actions", "exchange-lb-review.yml");
const MARKER = "<!-- exchange-lb-review -->";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
}

interface Workflow {
  on: { pull_request: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { "runs-on": string; steps: Step[] }>;
}

const workflow = parse(readFileSync(FILE, "utf8"), { strict: true, uniqueKeys: true }) as Workflow;
const steps = workflow.jobs.review.steps;
const runs = steps.map((step) => step.run ?? "");
const stepRunning = (command: string): Step => steps.find((s) => s.run?.includes(command))!;
const review = stepRunning("npx exchange-lb-review --diff");
const post = stepRunning("gh pr comment");

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "workflow-example-"));
  scratch.push(dir);
  return dir;
}

test("the workflow example is valid YAML a user can copy", () => {
  expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  expect(steps[0]).toEqual({ uses: "actions/checkout@v4", with: { "fetch-depth": 0 } });
  expect(steps[1].uses).toBe("actions/setup-node@v4");
  const order = [
    "npm ci",
    "npx jest --ci",
    "npx cdktf synth",
    "npx exchange-lb-review --diff",
    "gh pr comment",
  ];
  const at = order.map((command) => runs.findIndex((run) => run.includes(command)));
  expect(at.every((index) => index >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  expect(readFileSync(FILE, "utf8")).toMatch(/cdktf-cli must be a devDependency/);
  // The bin the workflow calls is the package's.
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  expect(Object.keys(pkg.bin)).toEqual(["exchange-lb-review"]);
});

test("refs and numbers reach the scripts through env, never as ${{ }} in shell text", () => {
  expect(runs.filter((run) => run.includes("${{"))).toEqual([]);
  expect(review.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
  expect(review.run).toContain('npx exchange-lb-review --diff "origin/$BASE_REF"');
  expect(post.env).toEqual({
    GH_TOKEN: "${{ github.token }}",
    PR: "${{ github.event.pull_request.number }}",
  });
});

test("the review steps run even when the snapshot tests fail", () => {
  const tests = steps.findIndex((step) => step.run === "npx jest --ci");
  const after = steps.slice(tests + 1);
  expect(after.map((step) => step.name)).toEqual([
    "Synthesize",
    "Review changes against the base branch",
    "Keep the full diff",
    "Post the review",
  ]);
  expect(after.map((step) => step.if)).toEqual(after.map(() => "${{ !cancelled() }}"));
});

test("summary, artifact and one sticky comment, posting allowed to fail on a fork", () => {
  expect(review.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  expect(review.run).toContain("echo '```text'");
  expect(review.run).toContain(`echo "${MARKER}"`);
  expect(steps.find((step) => step.uses?.startsWith("actions/upload-artifact"))).toMatchObject({
    uses: "actions/upload-artifact@v4",
    with: { path: "review.txt" },
  });
  expect(post["continue-on-error"]).toBe(true);
  expect(post.run).toContain('gh api "repos/$GITHUB_REPOSITORY/issues/$PR/comments" --paginate');
  expect(post.run).toContain(
    'gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@review.md',
  );
  expect(post.run).toContain('gh pr comment "$PR" --body-file review.md');
});

test("every run: script passes bash -n and shellcheck", () => {
  for (const run of runs.filter((text) => text !== "")) {
    execFileSync("bash", ["-n"], { input: run });
    const check = spawnSync("shellcheck", ["-s", "bash", "-"], { input: run, encoding: "utf8" });
    if (check.error) return; // shellcheck not installed: bash -n only
    expect(check.stdout).toBe("");
  }
});

/** Runs a step's script as GitHub does (bash -eo pipefail) with stand-in commands first on PATH. */
function runStep(step: Step, stubs: Record<string, string>, env: Record<string, string>) {
  const dir = tempDir();
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(dir, name), `#!/bin/bash\necho "${name} $*" >> log\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  writeFileSync(join(dir, "step.sh"), step.run!);
  writeFileSync(join(dir, "summary.md"), "");
  writeFileSync(join(dir, "log"), "");
  execFileSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "step.sh"], {
    cwd: dir,
    env: {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
      GITHUB_REPOSITORY: "o/r",
      ...env,
    },
  });
  return { dir, read: (name: string) => readFileSync(join(dir, name), "utf8") };
}

describe("the review step", () => {
  const line = "  ~ [VIP CasHttps (CAS-HTTPS)] real server EX2: weight 100 → 50";

  test("a short diff: whole in the comment body, under the marker, and in the summary", () => {
    const text = `## exchange-se-pair/Lb\n== Summary\n${line}\n`;
    const step = runStep(review, { npx: `printf '%s' '${text}'` }, { BASE_REF: "main" });
    expect(step.read("log")).toBe("npx exchange-lb-review --diff origin/main\n");
    const title = "### Exchange load balancer: what this pull request changes";
    expect(step.read("review.md")).toBe(`${MARKER}\n${title}\n\`\`\`text\n${text}\`\`\`\n`);
    expect(step.read("summary.md")).toBe(`${title}\n\`\`\`text\n${text}\`\`\`\n`);
  });

  test("a long diff: cut at a line to fit a comment, with a note; summary and artifact whole", () => {
    const text = `## exchange-se-pair/Lb\n${`${line}\n`.repeat(2000)}`;
    const diff = join(tempDir(), "diff.txt");
    writeFileSync(diff, text);
    const step = runStep(review, { npx: `cat '${diff}'` }, { BASE_REF: "main" });
    const body = step.read("review.md");
    expect(body.length).toBeLessThan(65_536);
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    const note =
      "The diff is longer than a comment holds: the full diff is in the job summary and in the exchange-lb-review artifact.";
    expect(body.endsWith(`${line}\n\`\`\`\n${note}\n`)).toBe(true);
    expect(step.read("review.txt")).toBe(text);
    expect(step.read("summary.md")).toContain(text);
  });
});

describe("the post step", () => {
  const pages = 'case "$*" in *--paginate*) printf "%s" "$COMMENT_IDS" ;; esac';

  test("updates the comment carrying the marker", () => {
    const step = runStep(post, { gh: pages }, { PR: "7", COMMENT_IDS: "41\n42\n" });
    expect(step.read("log")).toContain(
      "gh api -X PATCH repos/o/r/issues/comments/42 -F body=@review.md\n",
    );
    expect(step.read("log")).not.toContain("gh pr comment");
  });

  test("comments once when there is none", () => {
    const step = runStep(post, { gh: pages }, { PR: "7", COMMENT_IDS: "" });
    expect(step.read("log").split("\n")[1]).toBe("gh pr comment 7 --body-file review.md");
  });

  test("its jq finds the bot's comment with the marker, not another's", () => {
    const jq = /--jq '([^']*)'/.exec(post.run!)![1];
    const page = [
      { id: 1, user: { login: "someone" }, body: `${MARKER}\nquoted` },
      { id: 2, user: { login: "github-actions[bot]" }, body: "another bot comment" },
      { id: 3, user: { login: "github-actions[bot]" }, body: `${MARKER}\n### Exchange` },
    ];
    const run = spawnSync("jq", [jq], { input: JSON.stringify(page), encoding: "utf8" });
    if (run.error) return; // jq not installed
    expect(run.stdout).toBe("3\n");
  });
});

/**
 * The GitHub Actions workflow users copy: valid YAML, runs on pull requests, runs the snapshot
 * tests, then the review diff against the base branch with the bin's real options.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const FILE = join(__dirname, "..", "..", "examples", "github-actions", "exchange-lb-review.yml");

interface Workflow {
  on: { pull_request: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { "runs-on": string; steps: { uses?: string; run?: string }[] }>;
}

test("the workflow example is valid YAML a user can copy", () => {
  const workflow = parse(readFileSync(FILE, "utf8"), {
    strict: true,
    uniqueKeys: true,
  }) as Workflow;
  expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  const steps = workflow.jobs.review.steps;
  expect(steps[0].uses).toBe("actions/checkout@v4");
  const runs = steps.map((step) => step.run ?? "");
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
  // The bin the workflow calls is the package's.
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  expect(Object.keys(pkg.bin)).toEqual(["exchange-lb-review"]);
});

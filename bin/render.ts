/**
 * Prints the rendered haproxy.cfg and user-data (per node for a pair) of each example stack, with no
 * AWS credentials and nothing written to disk.
 *
 *   npm run render                          # everything
 *   npm run render -- exchange-2013         # one stack
 *   npm run render -- exchange-2010 haproxy # only its haproxy.cfg (or: user-data, scripts)
 *   npm run render -- exchange-se-pair review               # its review document
 *   npm run render -- exchange-se-pair review --diff HEAD   # what the working tree changes, in review terms
 */
import { App } from "cdktf";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExchangeLoadBalancer, ExchangeServerScripts, diffReviews } from "../lib";
import { inWorktree } from "../lib/cli/review-sources";
import { buildExchange2010Stack } from "../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../examples/exchange-2013/stack";
import { buildExchangeSeFleetStack } from "../examples/exchange-se-fleet/stack";
import { buildExchangeSePairStack } from "../examples/exchange-se-pair/stack";

type Part = "haproxy" | "user-data" | "scripts" | "review";
const PARTS: readonly Part[] = ["haproxy", "user-data", "scripts", "review"];

export function exampleLoadBalancers(app: App): Map<string, ExchangeLoadBalancer> {
  return new Map([
    ["exchange-2010", buildExchange2010Stack(app).loadBalancer],
    ["exchange-2013", buildExchange2013Stack(app).loadBalancer],
    ["exchange-se-pair", buildExchangeSePairStack(app).loadBalancer],
    ["exchange-se-fleet", buildExchangeSeFleetStack(app).loadBalancer],
  ]);
}

export function render(stackName?: string, part?: Part): string {
  // App creates its outdir at once; nothing is synthesized, so it is removed again.
  const outdir = mkdtempSync(join(tmpdir(), "exchange-lb-render-"));
  let lbs: Map<string, ExchangeLoadBalancer>;
  try {
    lbs = exampleLoadBalancers(new App({ outdir, skipValidation: true }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  if (stackName !== undefined && !lbs.has(stackName)) {
    throw new Error(`Unknown stack "${stackName}"; choose one of: ${[...lbs.keys()].join(", ")}`);
  }
  const sections: [string, string][] = [];
  for (const [name, lb] of lbs) {
    if (stackName !== undefined && name !== stackName) continue;
    if (part === "review") {
      sections.push([`### ${name}: review document`, lb.renderReview()]);
      continue;
    }
    if (part === undefined || part === "haproxy") {
      sections.push([`### ${name}: haproxy.cfg`, lb.renderHaproxyConfig()]);
    }
    if (part === undefined || part === "user-data") {
      // A pair boots each node with its own user-data.
      const nodes = lb.nodeAddresses.length > 0 ? lb.nodeAddresses : [undefined];
      for (const node of nodes) {
        const title = node ? `### ${name}: user-data (node ${node})` : `### ${name}: user-data`;
        sections.push([title, lb.renderUserData(node)]);
      }
    }
    if (part === undefined || part === "scripts") {
      const scripts = lb.node.children.find((c) => c instanceof ExchangeServerScripts);
      for (const [script, text] of Object.entries(scripts?.renderScripts() ?? {})) {
        sections.push([`### ${name}: ${script}.ps1 (Exchange servers)`, text]);
      }
    }
  }
  // One file asked for: print it as is, without a heading.
  if (part !== undefined && stackName !== undefined && sections.length === 1) return sections[0][1];
  return sections.flat().join("\n");
}

/** A stack's review document at a git ref against the working tree's, in review terms. */
export function reviewDiff(stackName: string, ref: string): string {
  const before = inWorktree(ref, join(__dirname, ".."), (dir) =>
    execFileSync("npx", ["ts-node", "bin/render.ts", stackName, "review"], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  return diffReviews(before, render(stackName, "review"));
}

if (require.main === module) {
  const [stackName, part, flag, ref] = process.argv.slice(2);
  if (part !== undefined && !PARTS.includes(part as Part)) {
    process.stderr.write(`Unknown part "${part}"; choose ${PARTS.join(", ")}\n`);
    process.exit(2);
  }
  try {
    if (flag === "--diff" && part === "review" && ref) {
      process.stdout.write(reviewDiff(stackName, ref));
      process.exit(0);
    }
    process.stdout.write(render(stackName, part as Part | undefined));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}

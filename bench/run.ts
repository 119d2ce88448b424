/**
 * `npm run bench`: median wall time of a fresh Node process synthesizing the
 * 2010 example with this library, against a hand-written cdktf program that
 * declares the same AWS resources, measured alternately in the same run.
 * Prints both medians and their ratio (target: at most 1.3).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(__dirname, "..");
const runs = Number(process.env.BENCH_RUNS ?? 15);

function synthOnce(script: string, outdir: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [script], {
    cwd: repo,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function resourceCounts(outdir: string): Record<string, number> {
  const json = JSON.parse(
    readFileSync(join(outdir, "stacks", "exchange-2010", "cdk.tf.json"), "utf8"),
  );
  const counts: Record<string, number> = {};
  for (const kind of ["resource", "data"] as const) {
    for (const [type, items] of Object.entries(json[kind] ?? {}))
      counts[type] = Object.keys(items as object).length;
  }
  return counts;
}

function main(): void {
  console.log("building (npm run build) ...");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: repo, stdio: "inherit" });
  const work = mkdtempSync(join(tmpdir(), "exchange-lb-bench-"));
  try {
    const library = join(repo, "dist/bench/library-2010.js");
    const baseline = join(repo, "dist/bench/baseline-2010.js");
    const libOut = join(work, "library");
    const baseOut = join(work, "baseline");
    // The baseline reads the same user-data text the library renders.
    synthOnce(library, libOut, {});
    const stack = JSON.parse(
      readFileSync(join(libOut, "stacks/exchange-2010/cdk.tf.json"), "utf8"),
    );
    // The user-data as the library declares it: plain, or gzip + base64 past 16 KB.
    const instance = Object.values(stack.resource.aws_instance)[0] as Record<string, string>;
    const userDataFile = join(work, "user-data.json");
    writeFileSync(
      userDataFile,
      JSON.stringify({ userData: instance.user_data, userDataBase64: instance.user_data_base64 }),
    );
    // The SSM documents (config delivery, Exchange-side scripts) as a hand-written stack would keep them.
    const documentsFile = join(work, "documents.json");
    writeFileSync(documentsFile, JSON.stringify(Object.values(stack.resource.aws_ssm_document)));
    const env = { BENCH_USER_DATA: userDataFile, BENCH_DOCUMENTS: documentsFile };
    synthOnce(baseline, baseOut, env);
    const same = JSON.stringify(resourceCounts(libOut)) === JSON.stringify(resourceCounts(baseOut));
    if (!same) {
      throw new Error(
        `the baseline does not declare the same resources:\n library ${JSON.stringify(resourceCounts(libOut))}\n baseline ${JSON.stringify(resourceCounts(baseOut))}`,
      );
    }
    const libTimes: number[] = [];
    const baseTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate so that machine noise hits both sides alike.
      libTimes.push(synthOnce(library, libOut, {}));
      baseTimes.push(synthOnce(baseline, baseOut, env));
    }
    const lib = median(libTimes);
    const base = median(baseTimes);
    console.log(`resources per type (both): ${JSON.stringify(resourceCounts(libOut))}`);
    console.log(`runs: ${runs} each, alternating, fresh node process per run`);
    console.log(`library   (examples/exchange-2010): median ${lib.toFixed(0)} ms`);
    console.log(`hand-written baseline (cdktf only): median ${base.toFixed(0)} ms`);
    console.log(`ratio library / baseline: ${(lib / base).toFixed(3)} (target <= 1.3)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();

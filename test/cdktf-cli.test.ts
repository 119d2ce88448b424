/**
 * The cdktf CLI synthesizes the root app (the README's main job) and each
 * example from its own folder, offline and without AWS credentials.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { run, withTempDir } from "./support/tools";

const repo = resolve(__dirname, "..");
const cdktf = join(repo, "node_modules", ".bin", "cdktf");

/** Instances per stack: a pair has two; the AWS lab a pair and two stand-in servers; a fleet none. */
const INSTANCES: Record<string, number> = {
  "exchange-se-pair": 2,
  "exchange-se-fleet": 0,
  "aws-lab": 4,
};

test.each([
  [".", ["exchange-2010", "exchange-2013", "exchange-se-pair", "exchange-se-fleet", "aws-lab"]],
  ["examples/exchange-2010", ["exchange-2010"]],
  ["examples/exchange-2013", ["exchange-2013"]],
  ["examples/exchange-se-pair", ["exchange-se-pair"]],
  ["examples/exchange-se-fleet", ["exchange-se-fleet"]],
  ["examples/aws-lab", ["aws-lab"]],
])("cdktf synth in %s", (folder, stacks) => {
  withTempDir((outdir) => {
    const result = run(cdktf, ["synth", "--output", outdir], { cwd: join(repo, folder) });
    expect(result.status).toBe(0);
    for (const stack of stacks) {
      const file = join(outdir, "stacks", stack, "cdk.tf.json");
      expect(existsSync(file)).toBe(true);
      expect(
        Object.keys(JSON.parse(readFileSync(file, "utf8")).resource.aws_instance ?? {}),
      ).toHaveLength(INSTANCES[stack] ?? 1);
    }
  });
});

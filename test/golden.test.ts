/**
 * The examples' synthesized output, byte for byte, against the committed
 * golden files: a restructure that changes what a user deploys fails here.
 * A deliberate change rewrites them (UPDATE_GOLDEN=1) in its own commit that
 * says why. The files are cdktf's output; under CDK Terrain (jest.cdktn.config.js)
 * every file is the same but cdk.tf.json, which differs in exactly the
 * framework-metadata fields of CDKTN_DIFFERENCES.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { CDKTN_DIFFERENCES, FRAMEWORK, differingPaths, withFieldsOf } from "./support/framework";
import { GOLDEN_DIR, goldenFiles } from "./support/golden";

function committed(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? committed(path) : [relative(GOLDEN_DIR, path)];
  });
}

const files = goldenFiles();

if (process.env.UPDATE_GOLDEN === "1") {
  if (FRAMEWORK !== "cdktf")
    throw new Error("the golden files are cdktf's output: update them with jest's default config");
  for (const [path, content] of files) {
    mkdirSync(dirname(join(GOLDEN_DIR, path)), { recursive: true });
    writeFileSync(join(GOLDEN_DIR, path), content);
  }
}

test("the golden files are exactly the examples' outputs, no more, no fewer", () => {
  expect(committed(GOLDEN_DIR).sort()).toEqual([...files.keys()].sort());
});

test.each([...files.keys()].sort())("%s is byte-identical", (path) => {
  const golden = readFileSync(join(GOLDEN_DIR, path), "utf8");
  const synthesized = files.get(path)!;
  if (FRAMEWORK === "cdktn" && path.endsWith("cdk.tf.json")) {
    expect(differingPaths(JSON.parse(golden), JSON.parse(synthesized))).toEqual(CDKTN_DIFFERENCES);
    // With those fields put back, byte for byte: key order and layout too.
    expect(withFieldsOf(synthesized, golden, CDKTN_DIFFERENCES)).toBe(golden);
  } else {
    expect(synthesized).toBe(golden);
  }
});

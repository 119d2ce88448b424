/**
 * The examples' synthesized output, byte for byte, against the committed
 * golden files: a restructure that changes what a user deploys fails here.
 * A deliberate change rewrites them (UPDATE_GOLDEN=1) in its own commit that
 * says why.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { GOLDEN_DIR, goldenFiles } from "./support/golden";

function committed(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? committed(path) : [relative(GOLDEN_DIR, path)];
  });
}

const files = goldenFiles();

if (process.env.UPDATE_GOLDEN === "1") {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(GOLDEN_DIR, path)), { recursive: true });
    writeFileSync(join(GOLDEN_DIR, path), content);
  }
}

test("the golden files are exactly the examples' outputs, no more, no fewer", () => {
  expect(committed(GOLDEN_DIR).sort()).toEqual([...files.keys()].sort());
});

test.each([...files.keys()].sort())("%s is byte-identical", (path) => {
  expect(files.get(path)).toBe(readFileSync(join(GOLDEN_DIR, path), "utf8"));
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { withTable } from "../scripts/defaults-table";

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

test("the README defaults table is the one the profiles print (npm run docs)", () => {
  expect(withTable(readme)).toBe(readme);
});

test("the README starts with the two fresh-clone commands, and CI runs the test command", () => {
  const firstBlock = readme.slice(
    readme.indexOf("```sh"),
    readme.indexOf("```", readme.indexOf("```sh") + 5),
  );
  expect(firstBlock).toContain("npm ci && npx cdktf synth");
  expect(firstBlock).toContain("./scripts/test.sh");
  expect(readFileSync(join(__dirname, "..", ".ci", "run"), "utf8")).toContain(
    "exec ./scripts/test.sh",
  );
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TARGET, retargetFile } from "../scripts/build-cdktn";
import { withTable } from "../scripts/defaults-table";
import { CDKTN_DIFFERENCES } from "./support/framework";

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

/** The import lines of the first TypeScript block in `text`, up to the library's import. */
function importsOf(text: string): string {
  const start = text.indexOf("```ts\nimport") + "```ts\n".length;
  return text.slice(start, text.indexOf("\n", text.indexOf('} from "exchange-lb-', start)));
}

describe("the CDK Terrain section", () => {
  const start = readme.indexOf("\n## CDK Terrain\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));

  test("shows the install line and the Usage's imports, retargeted as the build retargets them", () => {
    expect(section).toContain(
      "npm install exchange-lb-cdktn cdktn @cdktn/provider-aws constructs\n",
    );
    const usage = readme.slice(readme.indexOf("\n## Usage\n"));
    expect(importsOf(section)).toContain('from "cdktn"');
    expect(importsOf(section)).toBe(
      retargetFile(importsOf(usage), "README").replace('"exchange-lb-cdktf"', `"${TARGET.name}"`),
    );
  });

  test("lists exactly the fields the golden test lets differ", () => {
    const fields = [...section.matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1]);
    expect(fields).toEqual(CDKTN_DIFFERENCES);
  });
});

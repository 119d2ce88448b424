/**
 * The CDK Terrain build (scripts/build-cdktn.ts): it points the compiled
 * framework imports at cdktn and @cdktn/provider-aws and nothing else, and its
 * one mapping is the one the cdktn type check and jest run use.
 * test/package.test.ts installs what it builds.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  TARGET,
  buildCdktnPackage,
  cdktnPackageJson,
  filesUnder,
  retargetFile,
  retargetSpecifier,
} from "../scripts/build-cdktn";
import { withTempDir } from "./support/tools";

const repo = resolve(__dirname, "..");
const json = (path: string) => JSON.parse(readFileSync(join(repo, path), "utf8"));

// What tsc emits for lib/framework.ts, abridged.
const FRAMEWORK_JS = `/** The only module that imports cdktf ("cdktf deploy" stays as it is). */
var constructs_1 = require("constructs");
var cdktf_1 = require("cdktf");
var instance_1 = require("@cdktf/provider-aws/lib/instance");
`;
const FRAMEWORK_DTS = `export { Construct } from "constructs";
export { App, Lazy } from "cdktf";
export type { Instance } from '@cdktf/provider-aws/lib/instance';
type Stack = import("cdktf").TerraformStack;
`;

test("retargets cdktf and the AWS provider's deep paths to their CDK Terrain packages", () => {
  expect(retargetSpecifier("cdktf")).toBe("cdktn");
  expect(retargetSpecifier("@cdktf/provider-aws/lib/instance")).toBe(
    "@cdktn/provider-aws/lib/instance",
  );
  expect(retargetSpecifier("constructs")).toBe("constructs");
  expect(retargetSpecifier("cdktf-like")).toBe("cdktf-like");
  expect(retargetFile(FRAMEWORK_JS, "framework.js")).toBe(
    FRAMEWORK_JS.replace('require("cdktf")', 'require("cdktn")').replace(
      "@cdktf/provider-aws/lib/instance",
      "@cdktn/provider-aws/lib/instance",
    ),
  );
  expect(retargetFile(FRAMEWORK_DTS, "framework.d.ts"))
    .toBe(`export { Construct } from "constructs";
export { App, Lazy } from "cdktn";
export type { Instance } from '@cdktn/provider-aws/lib/instance';
type Stack = import("cdktn").TerraformStack;
`);
});

test("refuses a cdktf package it has no CDK Terrain counterpart for, naming the file", () => {
  expect(() =>
    retargetFile('var r = require("@cdktf/provider-random/lib/id");', "dist/lib/framework.js"),
  ).toThrow(
    'dist/lib/framework.js: "@cdktf/provider-random/lib/id" has no CDK Terrain counterpart: name one in scripts/cdktn-target.json ("modules")',
  );
  expect(() => retargetSpecifier("cdktf/lib/testing")).not.toThrow();
});

test("exchange-lb-cdktn's package.json: the same version and files, the fork's peers", () => {
  const root = json("package.json");
  const pkg = cdktnPackageJson(root);
  expect(root.description).toMatch(/^CDK for Terraform constructs/);
  expect(pkg).toEqual({
    name: "exchange-lb-cdktn",
    version: root.version,
    description: root.description.replace("CDK for Terraform", "CDK Terrain (cdktn)"),
    license: root.license,
    main: root.main,
    bin: root.bin,
    types: root.types,
    files: root.files,
    engines: root.engines,
    peerDependencies: {
      "@cdktn/provider-aws": ">=25.0.0 <26.0.0",
      cdktn: "^0.24.0",
      constructs: ">=10.6.0 <10.8.0",
    },
  });
  // The provider package asks for the same cdktn and constructs.
  const provider = json("node_modules/@cdktn/provider-aws/package.json");
  expect(provider.peerDependencies).toEqual({
    cdktn: TARGET.peerDependencies.cdktn,
    constructs: TARGET.peerDependencies.constructs,
  });
  // One constructs for both frameworks: cdktn refuses 10.8, so the devDependency is a 10.7.
  expect(json("node_modules/cdktn/package.json").peerDependencies.constructs).toBe(
    TARGET.peerDependencies.constructs,
  );
  expect(root.devDependencies.constructs).toMatch(/^10\.7\.\d+$/);
});

test("the cdktn type check maps the same modules as the build and the jest run", () => {
  const paths = json("tsconfig.cdktn.json").compilerOptions.paths;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the jest config is CommonJS
  const mapper = require(join(repo, "jest.cdktn.config.js")).moduleNameMapper;
  for (const [from, to] of Object.entries(TARGET.modules)) {
    expect(paths[from]).toEqual([`./node_modules/${to}`]);
    expect(paths[`${from}/*`]).toEqual([`./node_modules/${to}/*`]);
    expect(mapper).toEqual(
      expect.objectContaining({ [`^${from.replace("/", "\\/")}/(.*)$`]: `${to}/$1` }),
    );
  }
  expect(Object.keys(paths)).toHaveLength(2 * Object.keys(TARGET.modules).length);
  expect(Object.keys(mapper)).toHaveLength(2 * Object.keys(TARGET.modules).length);
});

test("builds the package directory: the compiled tree with framework.js and framework.d.ts retargeted", () => {
  withTempDir((dir) => {
    const lib = join(dir, "repo", "dist", "lib");
    mkdirSync(join(lib, "instance", "files"), { recursive: true });
    writeFileSync(join(lib, "index.js"), 'var framework_1 = require("./framework");\n');
    writeFileSync(join(lib, "index.d.ts"), 'export * from "./framework";\n');
    writeFileSync(join(lib, "framework.js"), FRAMEWORK_JS);
    writeFileSync(join(lib, "framework.d.ts"), FRAMEWORK_DTS);
    writeFileSync(join(lib, "instance", "files", "apply"), '#!/bin/sh\nrequire("cdktf")\n');
    chmodSync(join(lib, "instance", "files", "apply"), 0o755);
    for (const doc of ["README.md", "CHANGELOG.md"]) writeFileSync(join(dir, "repo", doc), doc);
    writeFileSync(join(dir, "repo", "package.json"), JSON.stringify({ version: "9.8.7" }));

    const out = join(dir, "out");
    expect(buildCdktnPackage(join(dir, "repo"), out)).toEqual([
      "dist/lib/framework.d.ts",
      "dist/lib/framework.js",
    ]);
    expect(filesUnder(out)).toEqual([
      "CHANGELOG.md",
      "README.md",
      "dist/lib/framework.d.ts",
      "dist/lib/framework.js",
      "dist/lib/index.d.ts",
      "dist/lib/index.js",
      "dist/lib/instance/files/apply",
      "package.json",
    ]);
    expect(readFileSync(join(out, "dist/lib/framework.js"), "utf8")).toContain('require("cdktn")');
    // A program is copied as it is, executable.
    expect(readFileSync(join(out, "dist/lib/instance/files/apply"), "utf8")).toContain("cdktf");
    expect(statSync(join(out, "dist/lib/instance/files/apply")).mode & 0o111).toBe(0o111);
    expect(JSON.parse(readFileSync(join(out, "package.json"), "utf8"))).toMatchObject({
      name: "exchange-lb-cdktn",
      version: "9.8.7",
    });
  });
});

test("refuses to build without the compiled library, saying how to make it", () => {
  withTempDir((dir) => {
    expect(() => buildCdktnPackage(dir, join(dir, "out"))).toThrow(
      "no compiled library; run `npm run build` first",
    );
  });
});

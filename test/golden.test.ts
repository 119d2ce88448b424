/**
 * The examples' synthesized output, byte for byte, against the committed
 * golden files: a restructure that changes what a user deploys fails here.
 * A deliberate change rewrites them (UPDATE_GOLDEN=1) in its own commit that
 * says why. The files are cdktf's output; under CDK Terrain (jest.cdktn.config.js)
 * every file is the same but cdk.tf.json, which differs in exactly the
 * framework-metadata fields of CDKTN_DIFFERENCES. What each golden node boots
 * with passes every Debian release's cloud-init, HAProxy and keepalived.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse } from "yaml";
import { PATHS } from "../lib/instance/paths";
import { programText } from "../lib/instance/programs";
import { CDKTN_DIFFERENCES, FRAMEWORK, differingPaths, withFieldsOf } from "./support/framework";
import { GOLDEN_DIR, goldenFiles } from "./support/golden";
import {
  certificateBundle,
  expectValidCloudConfig,
  expectValidHaproxy,
  expectTerraformLoads,
  expectValidKeepalived,
  withTempDir,
} from "./support/tools";

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

const stacks = [...files.keys()].filter((path) => path.endsWith("/cdk.tf.json")).sort();

describe.each(stacks)("%s", (path) => {
  const json = JSON.parse(readFileSync(join(GOLDEN_DIR, path), "utf8"));

  test("Terraform loads it; every depends_on a plain address of one of its resources", () =>
    expectTerraformLoads(json));
});

const userData = [...files.keys()].filter((path) => /\/user-data[^/]*\.yaml$/.test(path)).sort();

describe.each(userData)("%s", (path) => {
  const text = readFileSync(join(GOLDEN_DIR, path), "utf8");
  const written = Object.fromEntries(
    (parse(text).write_files as { path: string; content: string }[]).map((f) => [
      f.path,
      f.content,
    ]),
  );

  test("every supported cloud-init accepts it", () => expectValidCloudConfig(text));

  test("every supported HAProxy accepts its haproxy.cfg, with certificates where it names them", () => {
    const peer = /-L (\S+)"/.exec(written[PATHS.HAPROXY_DEFAULTS] ?? "")?.[1];
    withTempDir((dir) => {
      const config = written[PATHS.HAPROXY_CONFIG].replace(
        /\/etc\/haproxy\/certs\/[\w.-]+\.pem/g,
        certificateBundle(dir),
      );
      expectValidHaproxy(config, peer);
    });
  });

  // A pair node's only.
  const keepalived = written[PATHS.KEEPALIVED_CONFIG];
  if (keepalived) {
    test("every supported keepalived accepts its keepalived.conf", () =>
      expectValidKeepalived(keepalived, {
        interfaceFile: PATHS.KEEPALIVED_INTERFACE,
        script: PATHS.FAILOVER_PROGRAM,
        scriptText: programText("failover"),
      }));
  }
});

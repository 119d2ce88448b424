/**
 * The golden files: what the three examples and the coverage stacks
 * (golden-stacks.ts) synthesize (cdk.tf.json) and, read
 * back out of it, what each instance boots with and what SSM carries. Taken
 * from the synthesized JSON only, never from the constructs' render methods,
 * so they hold whatever the library's inside looks like.
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden.test.ts   # rewrite them after a reviewed change
 */
import { App } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { buildExchange2010Stack } from "../../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../../examples/exchange-2013/stack";
import { buildExchangeSeFleetStack } from "../../examples/exchange-se-fleet/stack";
import { buildExchangeSePairStack } from "../../examples/exchange-se-pair/stack";
import {
  buildCoverage2010Fleet,
  buildCoverage2010SecondaryIpPair,
  buildCoverage2016ElasticIpPair,
  buildCoverage2019Single,
} from "./golden-stacks";

export const GOLDEN_DIR = join(__dirname, "..", "golden");

const EXAMPLES = {
  "exchange-2010": buildExchange2010Stack,
  "exchange-2013": buildExchange2013Stack,
  "exchange-se-pair": buildExchangeSePairStack,
  "exchange-se-fleet": buildExchangeSeFleetStack,
  "coverage-2016-eip-pair": buildCoverage2016ElasticIpPair,
  "coverage-2010-secondary-pair": buildCoverage2010SecondaryIpPair,
  "coverage-2019-single": buildCoverage2019Single,
  "coverage-2010-fleet": buildCoverage2010Fleet,
} as const;

/** What Terraform makes of a string with no interpolation: `$${` and `%%{` back to `${` and `%{`. */
function terraformLiteral(text: string): string {
  return text.replace(/([$%])\1\{/g, "$1{");
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Relative path -> content, for one example stack. */
function filesOf(stackName: keyof typeof EXAMPLES): Map<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), "exchange-lb-golden-"));
  try {
    const app = new App({ outdir });
    EXAMPLES[stackName](app);
    app.synth();
    let text = readFileSync(join(outdir, "stacks", stackName, "cdk.tf.json"), "utf8");
    const json: Json = JSON.parse(text);
    // The local backend's state file is under the directory synth ran in: not this machine's.
    text = text.split(JSON.stringify(process.cwd()).slice(1, -1)).join("<repository>");
    const files = new Map<string, string>();
    const booted: { name: string; plain?: string; base64?: string }[] = [
      ...(Object.values(json.resource.aws_instance ?? {}) as Json[]).map((instance) => ({
        name: `user-data${instance.private_ip ? `-${instance.private_ip}` : ""}.yaml`,
        plain: instance.user_data,
        base64: instance.user_data_base64,
      })),
      // A fleet's nodes boot from its launch template: base64, of gzip when over 16 KB.
      ...(Object.values(json.resource.aws_launch_template ?? {}) as Json[]).map((template) => ({
        name: "user-data.yaml",
        base64: template.user_data,
      })),
    ];
    for (const { name, plain, base64 } of booted) {
      let userData: string;
      if (typeof plain === "string") {
        userData = terraformLiteral(plain);
      } else {
        const bytes = Buffer.from(base64 as string, "base64");
        const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
        // gzip's bytes depend on zlib's build: the file beside it holds what they unpack to.
        userData = (gzipped ? gunzipSync(bytes) : bytes).toString("utf8");
        text = text.replace(base64 as string, `<${gzipped ? "gzip + " : ""}base64 of ${name}>`);
      }
      files.set(`${stackName}/${name}`, userData);
      const config = (parse(userData).write_files as { path: string; content: string }[]).find(
        (file) => file.path === "/etc/haproxy/haproxy.cfg",
      );
      if (!config) throw new Error(`${stackName}: no haproxy.cfg in the user-data`);
      // The same on every node of a pair; a difference fails the comparison.
      files.set(`${stackName}/haproxy.cfg`, config.content);
    }
    files.set(`${stackName}/cdk.tf.json`, text);
    for (const document of Object.values(json.resource.aws_ssm_document ?? {}) as Json[]) {
      const content = terraformLiteral(document.content);
      files.set(`${stackName}/ssm/${document.name}.json`, content);
      for (const [name, text] of stagedFiles(content)) {
        files.set(`${stackName}/ssm/${document.name}/${name}`, text);
      }
    }
    return files;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The files a config document writes to its staging directory, unpacked, so
 * that a change inside the document reads as a text diff.
 */
export function stagedFiles(document: string): [string, string][] {
  // An Automation document's steps run no shell: nothing staged.
  const commands: string[] = JSON.parse(document).mainSteps[0].inputs.runCommand ?? [];
  return commands.flatMap((line) => {
    const match = /^echo '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > "\$stage\/([^"]+)"$/.exec(
      line,
    );
    return match ? [[match[2], gunzipSync(Buffer.from(match[1], "base64")).toString("utf8")]] : [];
  }) as [string, string][];
}

/** Every golden file of every example, by path under test/golden. */
export function goldenFiles(): Map<string, string> {
  const all = new Map<string, string>();
  for (const name of Object.keys(EXAMPLES) as (keyof typeof EXAMPLES)[]) {
    for (const [path, content] of filesOf(name)) {
      if (all.has(path) && all.get(path) !== content) {
        throw new Error(`${path} differs between the nodes of the pair`);
      }
      all.set(path, content);
    }
  }
  return all;
}

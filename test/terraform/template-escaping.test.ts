/**
 * Terraform itself proves the escaping: a provider-free configuration whose
 * output is the synthesized user-data string must validate, and applying it
 * must give back exactly the rendered cloud-config.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { CasHttpsVip, ImapVip, PopVip } from "../../lib";
import { parse, stringify } from "yaml";
import { EC2_USER_DATA_LIMIT, encodeUserData } from "../../lib/cloud-init/user-data";
import { PATHS } from "../../lib/instance/paths";
import { escapeTerraformTemplate } from "../../lib/terraform/escape";
import { fixture, resourcesOf, synthJson } from "../support/synth";
import { RunResult, run, withTempDir } from "../support/tools";

/** Validates, applies and reads back a configuration holding only `output "value"`. */
function terraformRoundTrip(value: string): { validate: RunResult; output?: string } {
  return withTempDir((dir) => {
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ output: { value: { value } } }));
    const tf = (...args: string[]) => run("terraform", args, { cwd: dir });
    const init = tf("init", "-input=false", "-no-color");
    if (init.status !== 0) throw new Error(`terraform init failed:\n${init.output}`);
    const validate = tf("validate", "-no-color");
    if (validate.status !== 0) return { validate };
    const apply = tf("apply", "-auto-approve", "-input=false", "-no-color");
    if (apply.status !== 0) throw new Error(`terraform apply failed:\n${apply.output}`);
    const output = tf("output", "-raw", "value");
    return { validate, output: output.stdout };
  });
}

/** One instance's user-data as synthesized, and as rendered before encoding. */
function userData(small: boolean): { synthesized: Record<string, string>; rendered: string } {
  const { stack, lb } = fixture({ installSsmAgent: !small, namespace: "mail.example.com" });
  new ImapVip(lb, "CasImap");
  if (!small) {
    new PopVip(lb, "CasPop");
    new CasHttpsVip(lb, "CasWeb");
  }
  const [instance] = resourcesOf(synthJson(stack), "aws_instance");
  return { synthesized: instance, rendered: lb.renderUserData() };
}

describe("Terraform reads the synthesized user-data as literal text", () => {
  test("plain user-data (under EC2's 16 KB): validate passes and the value is the rendered cloud-config", () => {
    // Since issue 11 even the smallest load balancer's user-data is over 16 KB (gzip, below):
    // the plain path is proven on a cloud-config of the same kind, with one of its programs.
    const { rendered } = userData(true);
    const doc = parse(rendered);
    const apply = doc.write_files.filter((f: { path: string }) => f.path === PATHS.APPLY_PROGRAM);
    const text = `#cloud-config\n${stringify({ write_files: apply })}`;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(EC2_USER_DATA_LIMIT);
    // The programs use shell ${...}, which Terraform would read as an interpolation.
    expect(text).toContain("${EXCHANGE_LB_ROOT:-}");
    const encoded = encodeUserData(text);
    if (!("userData" in encoded)) throw new Error("expected plain user-data");
    const result = terraformRoundTrip(encoded.userData);
    expect(result.validate.output).toContain("The configuration is valid");
    expect(result.output).toBe(text);
  });

  test("larger user-data goes gzip + base64, which holds no template syntax and unpacks to the rendered text", () => {
    const { synthesized, rendered } = userData(false);
    expect(Buffer.byteLength(rendered)).toBeGreaterThan(EC2_USER_DATA_LIMIT);
    expect(synthesized.user_data).toBeUndefined();
    expect(synthesized.user_data_base64).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(gunzipSync(Buffer.from(synthesized.user_data_base64, "base64")).toString()).toBe(
      rendered,
    );
  });

  test("HAProxy log formats (%{...}) and every sigil sequence survive", () => {
    const text = 'log-format "%{+Q}o %ci:%cp" ${x} $${y} %%{z} $$${w} $ { % { \\${v}\n';
    expect(terraformRoundTrip(escapeTerraformTemplate(text)).output).toBe(text);
  });

  test("without escaping Terraform refuses the same text, so this test can fail", () => {
    const result = terraformRoundTrip("token=${token}");
    expect(result.validate.status).not.toBe(0);
    expect(result.validate.output).toContain("Invalid reference");
  });
});

/**
 * Terraform itself proves the escaping: a provider-free configuration whose
 * output is the synthesized user-data string must validate, and applying it
 * must give back exactly the rendered cloud-config.
 */
import { Testing } from "cdktf";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { escapeTerraformTemplate } from "../../lib/terraform/escape";
import { buildExchange2010Stack } from "../../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../../examples/exchange-2013/stack";
import { resourcesOf, synthJson } from "../support/synth";
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

describe("Terraform reads the synthesized user-data as literal text", () => {
  test.each([
    ["exchange-2010", buildExchange2010Stack],
    ["exchange-2013", buildExchange2013Stack],
  ])("%s: validate passes and the value is the rendered cloud-config", (_name, build) => {
    const { stack, loadBalancer } = build(Testing.app());
    const [instance] = resourcesOf(synthJson(stack), "aws_instance");
    const rendered = loadBalancer.renderUserData();
    expect(rendered).toContain("${region}"); // the SSM script uses shell ${...}
    const result = terraformRoundTrip(instance.user_data);
    expect(result.validate.output).toContain("The configuration is valid");
    expect(result.output).toBe(rendered);
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

/**
 * A load balancer's review document, from its stack synthesized as `cdktf synth` does (aspects,
 * validations, the `//` metadata the review reads), in a directory removed afterwards.
 */
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Construct, TerraformStack, Testing } from "../framework";
import { reviewDocument } from "../review/document";

export function reviewOf(loadBalancer: Construct): string {
  const stack = TerraformStack.of(loadBalancer);
  const outdir = Testing.fullSynth(stack);
  try {
    const [name] = readdirSync(join(outdir, "stacks"));
    const json = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
    return reviewDocument(json, loadBalancer.node.path);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

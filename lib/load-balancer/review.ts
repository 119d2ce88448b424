/**
 * A load balancer's review document, from its stack synthesized as `cdktf synth` does (cross-stack
 * references prepared, aspects, validations, the `//` metadata the review reads), in a directory
 * removed afterwards. Like `Testing.fullSynth`, each call runs the stack's aspects once more.
 */
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Construct, TerraformStack, Testing } from "../framework";
import { reviewDocument } from "../review/document";

export function reviewOf(loadBalancer: Construct): string {
  const stack = TerraformStack.of(loadBalancer);
  // What app.synth() does first: references to other stacks become remote state.
  stack.prepareStack();
  const outdir = Testing.fullSynth(stack);
  try {
    const [name] = readdirSync(join(outdir, "stacks"));
    const json = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
    return reviewDocument(json, loadBalancer.node.path);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

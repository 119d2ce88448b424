/**
 * Each jest run loads the framework its config names (jest.config.js: cdktf;
 * jest.cdktn.config.js: cdktn, with every cdktf import mapped), so the CDK
 * Terrain run cannot pass on cdktf by mistake.
 */
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ExchangeLoadBalancer } from "../lib";
import {
  CDKTN_DIFFERENCES,
  FRAMEWORK,
  FRAMEWORK_VERSION,
  differingPaths,
} from "./support/framework";
import { GUIDE_PROPS } from "./support/synth";

declare const EXCHANGE_LB_FRAMEWORK: string | undefined;
const expected = typeof EXCHANGE_LB_FRAMEWORK === "string" ? EXCHANGE_LB_FRAMEWORK : "cdktf";

test(`the run loads ${expected}, the framework its jest config names`, () => {
  expect(FRAMEWORK).toBe(expected);
  expect(FRAMEWORK_VERSION).toMatch(expected === "cdktn" ? /^0\.24\./ : /^0\.21\./);
});

test("the library and the provider resources are the loaded framework's", () => {
  const stack = new TerraformStack(new App(), "stack");
  const provider = new AwsProvider(stack, "aws", { region: "eu-west-2" });
  new ExchangeLoadBalancer(stack, "Lb", GUIDE_PROPS);
  // What cdk.tf.json holds, "//" metadata included (Testing.synth leaves it out).
  const json = stack.toTerraform();
  expect(Object.keys(json.resource.aws_instance)).toHaveLength(1);
  expect(json["//"].metadata.version).toBe(FRAMEWORK_VERSION);
  // The provider's jsii type names its package: @cdktf/provider-aws or @cdktn/provider-aws.
  const fqn = (provider.constructor as unknown as Record<symbol, { fqn: string }>)[
    Symbol.for("jsii.rtti")
  ].fqn;
  expect(fqn).toBe(`@${FRAMEWORK}/provider-aws.provider.AwsProvider`);
});

test("differingPaths finds every differing leaf and nothing else", () => {
  const a = { "//": { metadata: { version: "0.21.0", backend: "local" } }, list: [1, 2], x: 1 };
  const b = { "//": { metadata: { version: "0.24.0", backend: "local" } }, list: [1, 3], y: 1 };
  expect(differingPaths(a, b)).toEqual(["//.metadata.version", "list.1", "x", "y"]);
  expect(differingPaths(a, structuredClone(a))).toEqual([]);
  expect(CDKTN_DIFFERENCES).toEqual([...CDKTN_DIFFERENCES].sort());
});

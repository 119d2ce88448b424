/**
 * Which framework this test run loads: CDK for Terraform, or CDK Terrain when
 * jest.cdktn.config.js maps the cdktf imports to cdktn. Read from the loaded
 * module (its jsii type name), not from the config, so a mapping that stopped
 * working shows.
 */
import { App } from "cdktf";

const rtti = (App as unknown as Record<symbol, { fqn: string; version: string }>)[
  Symbol.for("jsii.rtti")
];

/** "cdktf" or "cdktn". */
export const FRAMEWORK = rtti.fqn.split(".")[0];
export const FRAMEWORK_VERSION = rtti.version;

/**
 * Where a stack synthesized with cdktn and @cdktn/provider-aws differs from
 * the same stack synthesized with cdktf and @cdktf/provider-aws: these fields
 * of cdk.tf.json, and nothing else (README "CDK Terrain").
 */
export const CDKTN_DIFFERENCES = [
  // the framework's version: 0.21.0 and 0.24.x
  "//.metadata.version",
  // "aws" and "hashicorp/aws": the same provider (Terraform's default namespace is hashicorp)
  "terraform.required_providers.aws.source",
  // the hashicorp/aws version each provider package was generated from (6.25.0 and 6.66.0): both 6.x
  "terraform.required_providers.aws.version",
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The dotted paths of the leaves where two JSON values differ, sorted. */
export function differingPaths(a: Json, b: Json, path = ""): string[] {
  const objects = a !== null && b !== null && typeof a === "object" && typeof b === "object";
  if (!objects || Array.isArray(a) !== Array.isArray(b)) {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .flatMap((key) => differingPaths(a[key], b[key], path ? `${path}.${key}` : key))
    .sort();
}

/** `text` (a cdk.tf.json) with the fields at `paths` taken from `from`, in cdktf's layout. */
export function withFieldsOf(text: string, from: string, paths: readonly string[]): string {
  const json = JSON.parse(text);
  const source = JSON.parse(from);
  for (const path of paths) {
    const keys = path.split(".");
    const last = keys.pop()!;
    const parent = keys.reduce((node, key) => node[key], json);
    parent[last] = keys.reduce((node, key) => node[key], source)[last];
  }
  return JSON.stringify(json, null, 2);
}

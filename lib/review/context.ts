/**
 * What every section of one load balancer's review reads: its resources and data sources (those
 * under its construct path, and those elsewhere in the stack that attach to its security group,
 * role or nodes), the placeholders for references, its outputs and its summary.
 */
import { Element, Placeholders, TerraformJson, compare, elementsOf } from "./terraform-json";

/** The Terraform comment the load balancer writes on its config document (`//`). */
export const REVIEW_COMMENT = "exchange_load_balancer";

/** Shown after the path of a resource that is not the load balancer's own. */
export const OUTSIDE = " (outside the load balancer)";

export interface ReviewComment {
  readonly path: string;
  readonly summary: readonly string[];
}

export interface ReviewContext {
  /** The load balancer's construct path. */
  readonly path: string;
  readonly summary: readonly string[];
  readonly elements: readonly Element[];
  readonly placeholders: Placeholders;
  readonly outputs: readonly [
    string,
    { readonly value?: unknown; readonly description?: string },
  ][];
}

/** What a resource elsewhere attaches to: a rule on its group, a policy on its role. */
const ATTACH_POINTS = [
  "aws_security_group",
  "aws_iam_role",
  "aws_iam_instance_profile",
  "aws_instance",
];

/** The load balancers of a stack, by the comment each writes; sorted by path. */
export function loadBalancersOf(json: TerraformJson): ReviewComment[] {
  return elementsOf(json)
    .map((element) => element.block["//"]?.[REVIEW_COMMENT] as ReviewComment | undefined)
    .filter((comment): comment is ReviewComment => comment !== undefined)
    .sort((a, b) => compare(a.path, b.path));
}

export function contextOf(json: TerraformJson, comment: ReviewComment): ReviewContext {
  const all = elementsOf(json);
  const { path } = comment;
  const own = all.filter((element) => element.path.startsWith(`${path}/`));
  const placeholders = new Placeholders(all, path);
  const names = outputNames(json, path);
  const outputs = Object.entries(json.output ?? {})
    .filter(([name]) => names.has(name))
    .sort(([a], [b]) => compare(a, b));
  return {
    path,
    summary: comment.summary.map((line) => placeholders.text(line)),
    elements: [
      ...own.map((element) => ({ ...element, path: element.path.slice(path.length + 1) })),
      ...attached(all, own).map((element) => ({ ...element, path: element.path + OUTSIDE })),
    ],
    placeholders,
    outputs,
  };
}

/** Resources elsewhere in the stack whose attributes reference the load balancer's own. */
function attached(all: readonly Element[], own: readonly Element[]): Element[] {
  const addresses = own
    .filter((element) => element.kind === "resource" && ATTACH_POINTS.includes(element.type))
    .map((element) => `\${${element.type}.${element.name}.`);
  return all.filter((element) => {
    if (own.includes(element) || element.kind !== "resource") return false;
    const text = JSON.stringify({ ...element.block, "//": undefined });
    return addresses.some((address) => text.includes(address));
  });
}

/** The names cdktf gave the outputs under `path`, from its `//` metadata (path → name). */
function outputNames(json: TerraformJson, path: string): Set<string> {
  let tree: unknown = json["//"]?.outputs;
  for (const part of path.split("/")) tree = (tree as Record<string, unknown> | undefined)?.[part];
  const names = new Set<string>();
  const collect = (node: unknown): void => {
    if (typeof node === "string") names.add(node);
    else if (node && typeof node === "object") Object.values(node).forEach(collect);
  };
  collect(tree);
  return names;
}

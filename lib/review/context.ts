/**
 * What every section of one load balancer's review reads: its resources and data sources (those
 * under its construct path), the placeholders for references, its outputs and its summary.
 */
import { Element, Placeholders, TerraformJson, elementsOf } from "./terraform-json";

/** The Terraform comment the load balancer writes on its config document (`//`). */
export const REVIEW_COMMENT = "exchange_load_balancer";

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

/** The load balancers of a stack, by the comment each writes; sorted by path. */
export function loadBalancersOf(json: TerraformJson): ReviewComment[] {
  return elementsOf(json)
    .map((element) => element.block["//"]?.[REVIEW_COMMENT] as ReviewComment | undefined)
    .filter((comment): comment is ReviewComment => comment !== undefined)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function contextOf(json: TerraformJson, comment: ReviewComment): ReviewContext {
  const all = elementsOf(json);
  const { path, summary } = comment;
  const elements = all.filter((element) => element.path.startsWith(`${path}/`));
  const placeholders = new Placeholders(all, path);
  // Outputs carry no path; their names start with the load balancer's ids, as cdktf makes them.
  const prefix = `${path.split("/").slice(1).join("_")}_`;
  const outputs = Object.entries(json.output ?? {})
    .filter(([name]) => name.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    path,
    summary,
    elements: elements.map((e) => ({ ...e, path: relative(path, e.path) })),
    placeholders,
    outputs,
  };
}

function relative(scope: string, path: string): string {
  return path.slice(scope.length + 1);
}

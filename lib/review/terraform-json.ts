/**
 * The synthesized Terraform JSON (cdk.tf.json) as the review reads it: its resources and data
 * sources with their construct paths (cdktf's `//` metadata), and its strings as Terraform
 * delivers them, with each reference Terraform resolves only at apply as a readable placeholder.
 */

/** A stack's synthesized JSON; only what the review reads is typed. */
export interface TerraformJson {
  /** cdktf's metadata: `outputs` maps each output's construct path to its name. */
  readonly "//"?: { readonly outputs?: Record<string, unknown> };
  readonly resource?: Record<string, Record<string, TerraformBlock>>;
  readonly data?: Record<string, Record<string, TerraformBlock>>;
  readonly output?: Record<string, { readonly value?: unknown; readonly description?: string }>;
}

export type TerraformBlock = Record<string, unknown> & {
  readonly "//"?: { readonly metadata?: { readonly path?: string } } & Record<string, unknown>;
};

/** A resource or data source with its construct path relative to the load balancer. */
export interface Element {
  readonly kind: "resource" | "data";
  readonly type: string;
  /** Terraform's name for it (cdktf's unique id). */
  readonly name: string;
  /** Construct path: relative to the load balancer when inside it, else to the stack. */
  readonly path: string;
  readonly block: TerraformBlock;
}

/** Every resource and data source of the stack, each with its construct path. */
export function elementsOf(json: TerraformJson): Element[] {
  const all: Element[] = [];
  for (const kind of ["resource", "data"] as const) {
    for (const [type, blocks] of Object.entries(json[kind] ?? {})) {
      for (const [name, block] of Object.entries(blocks)) {
        const path = block["//"]?.metadata?.path ?? name;
        all.push({ kind, type, name, path, block });
      }
    }
  }
  return all.sort((a, b) => compare(a.path, b.path) || compare(a.type, b.type));
}

/** What Terraform leaves as first created (`lifecycle.ignore_changes`). */
export function ignoredOf(element: Element): string[] {
  const lifecycle = element.block.lifecycle as { ignore_changes?: string[] } | undefined;
  return lifecycle?.ignore_changes ?? [];
}

/** Code-unit order: the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Data sources whose value is the same for every stack of an account: named by what they are. */
const WELL_KNOWN: Record<string, string> = {
  "aws_partition.partition": "partition",
  "aws_partition.dns_suffix": "dns suffix",
  "aws_region.region": "region",
  "aws_region.name": "region",
  "aws_caller_identity.account_id": "account",
};

/**
 * Turns the synthesized strings back into what Terraform delivers: `$${` and `%%{` are the
 * literal `${` and `%{`; a reference (`${aws_iam_role.Lb_Role_1A2B.arn}`) becomes
 * `<Role.arn>`, a well-known data source `<region>`, `<account>`, `<partition>`.
 */
export class Placeholders {
  private readonly paths = new Map<string, string>();

  constructor(elements: readonly Element[], scope: string) {
    for (const element of elements) {
      const address = `${element.kind === "data" ? "data." : ""}${element.type}.${element.name}`;
      this.paths.set(address, relativeTo(scope, element.path));
    }
  }

  /** A string as Terraform delivers it, references as placeholders. */
  public text(value: string): string {
    // An address (depends_on, replace_triggered_by): the construct path.
    const address = this.paths.get(value);
    if (address !== undefined) return address;
    let out = "";
    let at = 0;
    while (at < value.length) {
      const sigil = value[at];
      const opens = (sigil === "$" || sigil === "%") && value[at + 1] === "{";
      if ((sigil === "$" || sigil === "%") && value[at + 1] === sigil && value[at + 2] === "{") {
        out += `${sigil}{`; // the escaped sigil: Terraform delivers it literally
        at += 3;
      } else if (opens && closingBrace(value, at + 2) > 0) {
        const close = closingBrace(value, at + 2);
        const inner = this.expression(value.slice(at + 2, close));
        out += sigil === "$" ? `<${inner}>` : `<%{${inner}}>`;
        at = close + 1;
      } else {
        out += sigil;
        at += 1;
      }
    }
    return out;
  }

  /** Any JSON value with its strings as `text` gives them. */
  public value(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v)]));
    }
    return value;
  }

  private expression(expression: string): string {
    const reference =
      /\b(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)/g;
    return expression.trim().replace(reference, (match, data, type, name, rest: string) => {
      const path = this.paths.get(`${data ?? ""}${type}.${name}`);
      if (path === undefined) return match;
      const known = data ? WELL_KNOWN[`${type}${rest}`] : undefined;
      if (known) return known;
      return `${data ? "data." : ""}${path}${rest}`;
    });
  }
}

/** `stack/Lb/Role` in scope `stack/Lb` is `Role`; outside it, relative to the stack. */
export function relativeTo(scope: string, path: string): string {
  if (path.startsWith(`${scope}/`)) return path.slice(scope.length + 1);
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/** The index of the `}` that closes a template opened before `from`, or -1; strings skipped. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let at = from; at < text.length; at++) {
    const char = text[at];
    if (char === '"') {
      for (at++; at < text.length && text[at] !== '"'; at++) if (text[at] === "\\") at++;
    } else if (char === "{") depth++;
    else if (char === "}") {
      if (depth === 0) return at;
      depth--;
    }
  }
  return -1;
}

/**
 * IAM's evaluation of identity-based policies, as the stand-in needs it: an
 * explicit Deny wins, then an Allow whose action, resource and conditions
 * match; anything else is an implicit deny (IAM User Guide, "Policy evaluation
 * logic"). Actions match case-insensitively, resources case-sensitively and one
 * ARN component at a time, both with `*` and `?` (IAM User Guide, "IAM JSON
 * policy elements: Action, Resource"). A condition operator it does not know is
 * an error, never a match.
 */

export type Values = string | readonly string[];
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, Values>>>>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: Values;
  readonly NotAction?: Values;
  readonly Resource?: Values;
  readonly NotResource?: Values;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Statement | readonly Statement[];
}

export interface Request {
  /** `service:Action`, e.g. `ec2:ReplaceRoute`. */
  readonly action: string;
  readonly resource: string;
  /** Request context keys, e.g. { "kms:ViaService": "ssm.eu-west-2.amazonaws.com" }. */
  readonly context?: Readonly<Record<string, string>>;
}

export type Decision = "allow" | "implicit-deny" | "explicit-deny";

const list = (value: Values | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : value;

/** `*` any run of characters, `?` one character, everything else itself. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`, ignoreCase ? "is" : "s").test(value);
}

/**
 * An ARN pattern against an ARN: `*` alone matches every resource; otherwise the
 * six colon-separated components (the last keeps its colons) match one by one,
 * so a wildcard never spans a component (IAM User Guide, ArnLike).
 */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const split = (text: string) => {
    const parts = text.split(":");
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(":")];
  };
  const [p, a] = [split(pattern), split(arn)];
  // A pattern that starts like an ARN but lacks components is no valid ARN: it matches nothing.
  if (!p) return !pattern.startsWith("arn:") && wildcardMatch(pattern, arn);
  if (!a) return false;
  return p.every((component, i) => wildcardMatch(component, a[i]));
}

type Test = (expected: string, actual: string) => boolean;

/** The operators this stand-in knows: each tests one policy value against the context value. */
const OPERATORS: Readonly<Record<string, { test: Test; negated: boolean }>> = {
  StringEquals: { test: (e, a) => e === a, negated: false },
  StringNotEquals: { test: (e, a) => e === a, negated: true },
  StringEqualsIgnoreCase: { test: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: {
    test: (e, a) => e.toLowerCase() === a.toLowerCase(),
    negated: true,
  },
  StringLike: { test: (e, a) => wildcardMatch(e, a), negated: false },
  StringNotLike: { test: (e, a) => wildcardMatch(e, a), negated: true },
  ArnEquals: { test: (e, a) => e === a, negated: false },
  ArnNotEquals: { test: (e, a) => e === a, negated: true },
  ArnLike: { test: (e, a) => arnMatch(e, a), negated: false },
  ArnNotLike: { test: (e, a) => arnMatch(e, a), negated: true },
  Bool: { test: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
};

/**
 * One operator on one key: any of its values matches (OR); a negated operator
 * holds when none does. A key missing from the context fails a positive operator
 * and satisfies a negated one; `...IfExists` holds for a missing key (IAM User
 * Guide, "Condition operators").
 */
function operatorHolds(name: string, key: string, expected: Values, context: Request["context"]) {
  const ifExists = name.endsWith("IfExists");
  const operator = OPERATORS[ifExists ? name.slice(0, -"IfExists".length) : name];
  if (!operator) throw new Error(`the IAM stand-in does not know condition operator ${name}`);
  const actual = context?.[key];
  if (actual === undefined) return ifExists || operator.negated;
  const any = list(expected).some((value) => operator.test(String(value), actual));
  return operator.negated ? !any : any;
}

/** Every operator and every key of a block must hold (AND). */
function conditionsHold(block: ConditionBlock | undefined, context: Request["context"]) {
  return Object.entries(block ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      operatorHolds(operator, key, expected, context),
    ),
  );
}

function actionMatches(statement: Statement, action: string): boolean {
  if (statement.NotAction !== undefined) {
    return !list(statement.NotAction).some((a) => wildcardMatch(a, action, true));
  }
  return list(statement.Action).some((a) => wildcardMatch(a, action, true));
}

function resourceMatches(statement: Statement, resource: string): boolean {
  if (statement.NotResource !== undefined) {
    return !list(statement.NotResource).some((r) => arnMatch(r, resource));
  }
  return list(statement.Resource).some((r) => arnMatch(r, resource));
}

export function statementsOf(documents: readonly PolicyDocument[]): Statement[] {
  return documents.flatMap((document) =>
    Array.isArray(document.Statement)
      ? (document.Statement as Statement[])
      : [document.Statement as Statement],
  );
}

/** Whether the policies allow the request, and if not, whether a Deny said so. */
export function evaluate(documents: readonly PolicyDocument[], request: Request): Decision {
  const applying = statementsOf(documents).filter(
    (s) =>
      actionMatches(s, request.action) &&
      resourceMatches(s, request.resource) &&
      conditionsHold(s.Condition, request.context),
  );
  if (applying.some((s) => s.Effect === "Deny")) return "explicit-deny";
  return applying.some((s) => s.Effect === "Allow") ? "allow" : "implicit-deny";
}

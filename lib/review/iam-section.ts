/**
 * The IAM section: each role with its trust policy, and each policy as one line per effect,
 * action and resource (and condition), sorted, so that a widened policy shows as the lines it
 * adds: `Allow ec2:CreateRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-…`.
 */
import { ReviewContext } from "./context";
import { NOTE } from "./diff";
import { outline } from "./outline";
import { Block, Section, section } from "./text";
import { Element, compare } from "./terraform-json";

export const IAM_SECTION = "IAM";

const POLICY_TYPES: Record<string, string> = {
  aws_iam_role: "assume_role_policy",
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
};

/** The IAM resources this section shows; the Resources section shows the rest. */
export function isIam(element: Element): boolean {
  return element.type.startsWith("aws_iam_");
}

const IAM_NOTE = `${NOTE}Applied by cdktf deploy: the nodes' role has it within seconds.`;

export function iamSection(context: ReviewContext): Section {
  const blocks = context.elements.filter(isIam).map((element) => iamBlock(context, element));
  return section(IAM_SECTION, [IAM_NOTE], blocks);
}

function iamBlock(context: ReviewContext, element: Element): Block {
  const policyKey = POLICY_TYPES[element.type];
  const attributes = Object.fromEntries(
    Object.entries(element.block).filter(([key]) => key !== "//" && key !== policyKey),
  );
  const lines = outline(context.placeholders.value(attributes));
  const policy = policyKey ? element.block[policyKey] : undefined;
  if (typeof policy === "string") {
    lines.push(`  ${policyKey}:`, ...policyLines(context.placeholders.text(policy)));
  }
  return { title: `${element.type} ${element.path}`, lines };
}

interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** One line per effect, action and resource, sorted; an unreadable policy as it is. */
export function policyLines(text: string): string[] {
  let statements: Statement[];
  try {
    const parsed = JSON.parse(text) as { Statement?: Statement | Statement[] };
    statements = ([] as Statement[]).concat(parsed.Statement ?? []);
  } catch {
    return [`    ${text}`];
  }
  const lines = statements.flatMap(statementLines);
  return [...new Set(lines)].sort(compare).map((line) => `    ${line}`);
}

function statementLines(statement: Statement): string[] {
  const effect = statement.Effect ?? "Allow";
  const actions = list(statement.Action).concat(
    list(statement.NotAction).map((a) => `all but ${a}`),
  );
  const resources = statement.Principal
    ? [`by ${JSON.stringify(statement.Principal)}`]
    : list(statement.Resource)
        .map((r) => `on ${r}`)
        .concat(list(statement.NotResource).map((r) => `on all but ${r}`));
  const when = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : "";
  const sid = statement.Sid ? ` (${statement.Sid})` : "";
  return actions.flatMap((action) =>
    (resources.length > 0 ? resources : ["(no resource)"]).map(
      (resource) => `${effect} ${action} ${resource}${when}${sid}`,
    ),
  );
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : ([] as string[]).concat(value);
}

/**
 * A stand-in for IAM's evaluation of the instance role's identity policies,
 * as the synthesized Terraform gives them: every inline policy of the role
 * and every managed policy attached to it (by its documented content; an
 * unknown one is an error, never an allow). An explicit Deny wins, then an
 * Allow whose action, resource and conditions match; anything else is denied.
 * Condition operators it does not know are errors, not matches.
 */
import { Json, resourcesOf } from "./synth";

export interface Statement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Request {
  readonly action: string;
  readonly resource: string;
  /** Request context keys, e.g. { "kms:ViaService": "ssm.eu-west-2.amazonaws.com" }. */
  readonly context?: Record<string, string>;
}

/** `service:Name` for each name. */
const actions = (service: string, names: string) =>
  names.split(/\s+/).map((name) => `${service}:${name}`);

/**
 * AmazonSSMManagedInstanceCore v2, as the AWS managed policy reference documents
 * it (written down here, never taken from the library under test).
 */
const MANAGED: Record<string, Statement[]> = {
  AmazonSSMManagedInstanceCore: [
    `ssm DescribeAssociation GetDeployablePatchSnapshotForInstance GetDocument DescribeDocument
      GetManifest GetParameter GetParameters ListAssociations ListInstanceAssociations PutInventory
      PutComplianceItems PutConfigurePackageResult UpdateAssociationStatus
      UpdateInstanceAssociationStatus UpdateInstanceInformation`,
    "ssmmessages CreateControlChannel CreateDataChannel OpenControlChannel OpenDataChannel",
    "ec2messages AcknowledgeMessage DeleteMessage FailMessage GetEndpoint GetMessages SendReply",
  ].map((line) => {
    const [service, names] = line.trim().split(/\s+(.*)/s);
    return { Effect: "Allow", Action: actions(service, names.trim()), Resource: "*" };
  }),
};

/** The account, region and partition the data sources would read. */
export const ACCOUNT = { partition: "aws", region: "eu-west-2", account: "123456789012" };

/** The synthesized text with the partition, region and account data sources resolved. */
function resolved(text: string): string {
  return text
    .replace(/\$\{data\.aws_partition\.\w+\.partition\}/g, ACCOUNT.partition)
    .replace(/\$\{data\.aws_partition\.\w+\.dns_suffix\}/g, "amazonaws.com")
    .replace(/\$\{data\.aws_region\.\w+\.region\}/g, ACCOUNT.region)
    .replace(/\$\{data\.aws_caller_identity\.\w+\.account_id\}/g, ACCOUNT.account);
}

/** Every statement that applies to the (one) role of a synthesized stack. */
export function roleStatements(json: Json): Statement[] {
  const inline = resourcesOf(json, "aws_iam_role_policy").flatMap(
    (p: Json) => JSON.parse(resolved(p.policy)).Statement as Statement[],
  );
  const managed = resourcesOf(json, "aws_iam_role_policy_attachment").flatMap((a: Json) => {
    const name = String(a.policy_arn).split("/").pop() as string;
    if (!MANAGED[name]) throw new Error(`the stand-in does not know managed policy ${name}`);
    return MANAGED[name];
  });
  return [...inline, ...managed];
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, ignoreCase ? "i" : "").test(value);
}

function conditionsHold(statement: Statement, context: Record<string, string>): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      if (operator === "StringEquals") return list(expected).includes(actual);
      if (operator === "StringLike") return list(expected).some((e) => wildcard(e, actual, false));
      throw new Error(`the stand-in does not know condition operator ${operator}`);
    }),
  );
}

function matches(statement: Statement, request: Request): boolean {
  return (
    list(statement.Action).some((a) => wildcard(a, request.action, true)) &&
    list(statement.Resource).some((r) => wildcard(r, request.resource, false)) &&
    conditionsHold(statement, request.context ?? {})
  );
}

export function isAllowed(statements: readonly Statement[], request: Request): boolean {
  const applying = statements.filter((s) => matches(s, request));
  return !applying.some((s) => s.Effect === "Deny") && applying.some((s) => s.Effect === "Allow");
}

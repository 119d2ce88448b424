/**
 * IAM's evaluation of the instance role's identity policies, as the synthesized
 * Terraform gives them: every inline policy of the role and every managed
 * policy attached to it (by its documented content; an unknown one is an
 * error, never an allow). The evaluation is the lab's AWS stand-in's
 * (lab/aws/iam.ts): an explicit Deny wins, then an Allow whose action,
 * resource and conditions match; anything else is denied; a condition
 * operator it does not know is an error, not a match. Only the partition,
 * region and account are resolved here: other references stay as text, so a
 * test can name the resource a policy refers to.
 */
import { Request, Statement, evaluate, statementsOf } from "../../lab/aws/iam";
import { MANAGED_POLICIES } from "../../lab/aws/role-policies";
import { Json, resourcesOf } from "./synth";

export type { Request, Statement };

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
    if (!MANAGED_POLICIES[name])
      throw new Error(`the stand-in does not know managed policy ${name}`);
    return statementsOf([MANAGED_POLICIES[name]]);
  });
  return [...inline, ...managed];
}

export function isAllowed(statements: readonly Statement[], request: Request): boolean {
  return evaluate([{ Statement: statements }], request) === "allow";
}

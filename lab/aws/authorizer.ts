/**
 * The authorization step of every call: the caller's role policies evaluated
 * for each resource the action touches (all must be allowed, as IAM does for
 * an action on several resources), the decision recorded for the call log,
 * and a refusal in the words AWS uses: "User: <assumed-role ARN> is not
 * authorized to perform: <action> on resource: <ARN> because no identity-based
 * policy allows the <action> action" (IAM User Guide, "Troubleshoot access
 * denied error messages").
 */
import type { Caller } from "./credentials";
import { Decision, PolicyDocument, evaluate } from "./iam";
import { ServiceError } from "./replies";

/** The lab's account: every ARN the stand-in builds is in it. */
export interface LabAccount {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The partition's DNS suffix, for service names such as kms:ViaService's. */
  readonly dnsSuffix: string;
}

export const arnOf = (lab: LabAccount, service: string, resource: string) =>
  `arn:${lab.partition}:${service}:${lab.region}:${lab.account}:${resource}`;

/** The identity a role's instance calls as: its session is named after the instance. */
export const principalOf = (lab: LabAccount, caller: Caller) =>
  `arn:${lab.partition}:sts::${lab.account}:assumed-role/${caller.roleName}/${caller.instanceId}`;

/** What the call log keeps of one authorization. */
export interface Authorization {
  readonly action: string;
  readonly resources: readonly string[];
  readonly decision: Decision;
  /** The first resource refused, when one was. */
  readonly deniedResource?: string;
}

/** How a service says no: EC2's UnauthorizedOperation, the JSON services' AccessDeniedException. */
export type Refuse = (reason: string, authorization: Authorization) => ServiceError;

export const jsonRefusal: Refuse = (reason) => new ServiceError("AccessDeniedException", reason);

export function explain(
  lab: LabAccount,
  caller: Caller,
  action: string,
  resource: string,
  decision: Decision,
): string {
  const why =
    decision === "explicit-deny"
      ? "with an explicit deny in an identity-based policy"
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${principalOf(lab, caller)} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

/**
 * Evaluates `action` on every resource with the caller's current policies;
 * records the outcome with `record` and throws the service's refusal on a deny.
 */
export function authorize(
  setup: {
    readonly lab: LabAccount;
    readonly caller: Caller;
    readonly policies: readonly PolicyDocument[];
    readonly record: (authorization: Authorization) => void;
    readonly refuse: Refuse;
  },
  action: string,
  resources: readonly string[],
  context: Readonly<Record<string, string>> = {},
): void {
  const { lab, caller } = setup;
  const full = {
    "aws:PrincipalArn": `arn:${lab.partition}:iam::${lab.account}:role/${caller.roleName}`,
    "aws:PrincipalAccount": lab.account,
    "aws:RequestedRegion": lab.region,
    "ec2:SourceInstanceARN": arnOf(lab, "ec2", `instance/${caller.instanceId}`),
    ...context,
  };
  let denied: { resource: string; decision: Decision } | undefined;
  for (const resource of resources) {
    const decision = evaluate(setup.policies, { action, resource, context: full });
    if (decision !== "allow" && (!denied || decision === "explicit-deny")) {
      denied = { resource, decision };
    }
  }
  const authorization: Authorization = {
    action,
    resources,
    decision: denied?.decision ?? "allow",
    deniedResource: denied?.resource,
  };
  setup.record(authorization);
  if (denied) {
    throw setup.refuse(
      explain(lab, caller, action, denied.resource, denied.decision),
      authorization,
    );
  }
}

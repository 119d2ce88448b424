/**
 * A variant of the stack's instance role at the AWS stand-in: its synthesized policies
 * without one statement (what a deploy of a policy that lacks it would leave), and the
 * synthesized policies put back (the deploy of the fixed policy: IAM is Terraform's, not
 * the config document's). Set through the stand-in's control port, before the VM's
 * first call or while it runs.
 */
import type { PolicyDocument } from "../aws/iam";
import { rolePolicies } from "../aws/role-policies";
import { BootLab } from "./boot-lab";
import { control } from "./endpoints";
import { ACCOUNT, PARTITION } from "./instances";
import { REGION } from "./vpc";

export interface StackRole {
  readonly roleName: string;
  readonly policies: readonly PolicyDocument[];
}

/** The stack's one instance role and its policies, resolved as the stand-in resolves them. */
export function stackRole(lab: BootLab): StackRole {
  const roles = rolePolicies(JSON.parse(lab.lb.cdkTfJson), {
    lab: { partition: PARTITION, region: REGION, account: ACCOUNT, dnsSuffix: "amazonaws.com" },
    instances: Object.fromEntries(
      lab.instances.map((i) => [
        i.localIpv4s[0],
        { instanceId: i.instanceId, networkInterfaceId: i.eniId },
      ]),
    ),
  });
  if (roles.length !== 1) throw new Error(`expected one instance role, found ${roles.length}`);
  return { roleName: roles[0].roleName, policies: roles[0].policies };
}

/** The policies without the statement `sid` (a document left empty is dropped); it must exist. */
export function withoutStatement(
  policies: readonly PolicyDocument[],
  sid: string,
): PolicyDocument[] {
  const statements = (p: PolicyDocument) => [p.Statement].flat();
  if (!policies.some((p) => statements(p).some((s) => s.Sid === sid)))
    throw new Error(`no statement ${sid} in the role's policies`);
  return policies
    .map((p) => ({ ...p, Statement: statements(p).filter((s) => s.Sid !== sid) }))
    .filter((p) => p.Statement.length > 0);
}

/** Replaces the role's policies at the stand-in (its control port): what a deploy does. */
export function putRolePolicies(role: StackRole["roleName"], policies: readonly PolicyDocument[]) {
  control("PUT", `/roles/${role}`, policies);
}

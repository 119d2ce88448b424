/**
 * The policies of each instance role of a synthesized stack (its cdk.tf.json
 * as an object): every `aws_iam_role_policy` whose role is that role, and the
 * AWS managed policies an `aws_iam_role_policy_attachment` adds (by their
 * documented content; an unknown one is an error, never an allow). The
 * Terraform references inside the policy text are resolved to the lab's
 * values: the partition, region and account data sources, the document ARNs,
 * and the instances' ids and network interfaces (by their private address);
 * any other reference is an error.
 */
import type { LabAccount } from "./authorizer";
import type { PolicyDocument } from "./iam";

/** What the lab knows of an instance the stack creates, found by its `private_ip`. */
export interface LabInstance {
  readonly instanceId: string;
  readonly networkInterfaceId: string;
}

export interface RolePolicies {
  /** The Terraform resource name, e.g. `Lb_InstanceRole_3E378F96`. */
  readonly resource: string;
  /** The role's name in the lab: its `name`, or `name_prefix` and the resource name. */
  readonly roleName: string;
  readonly policies: readonly PolicyDocument[];
}

export interface PolicySetup {
  readonly lab: LabAccount;
  /** The lab's instances by private address. */
  readonly instances?: Readonly<Record<string, LabInstance>>;
  /** Values for references by their text without `${}`, e.g. `aws_instance.X.id`; they win. */
  readonly values?: Readonly<Record<string, string>>;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * AmazonSSMManagedInstanceCore, as the AWS managed policy reference documents it
 * (version 2): nothing synthesizes it today; it is here so an attachment is known.
 */
export const MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  AmazonSSMManagedInstanceCore: {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          ...`DescribeAssociation GetDeployablePatchSnapshotForInstance GetDocument DescribeDocument
            GetManifest GetParameter GetParameters ListAssociations ListInstanceAssociations
            PutInventory PutComplianceItems PutConfigurePackageResult UpdateAssociationStatus
            UpdateInstanceAssociationStatus UpdateInstanceInformation`
            .split(/\s+/)
            .map((a) => `ssm:${a}`),
          ..."CreateControlChannel CreateDataChannel OpenControlChannel OpenDataChannel"
            .split(" ")
            .map((a) => `ssmmessages:${a}`),
          ..."AcknowledgeMessage DeleteMessage FailMessage GetEndpoint GetMessages SendReply"
            .split(" ")
            .map((a) => `ec2messages:${a}`),
        ],
        Resource: "*",
      },
    ],
  },
};

const resources = (json: Json, type: string): [string, Json][] =>
  Object.entries((json.resource?.[type] ?? {}) as Json);

/** One reference's value: `data.aws_region.X.region` -> eu-west-2, ... */
function referenceValue(json: Json, setup: PolicySetup, reference: string): string | undefined {
  if (setup.values?.[reference] !== undefined) return setup.values[reference];
  const { lab } = setup;
  const [first, ...rest] = reference.split(".");
  const [type, name, attribute] = first === "data" ? rest : [first, ...rest];
  const key = first === "data" ? `data.${type}.${attribute}` : `${type}.${attribute}`;
  const simple: Record<string, string> = {
    "data.aws_partition.partition": lab.partition,
    "data.aws_partition.dns_suffix": lab.dnsSuffix,
    "data.aws_region.region": lab.region,
    "data.aws_region.name": lab.region,
    "data.aws_caller_identity.account_id": lab.account,
  };
  if (simple[key] !== undefined) return simple[key];
  const resource = json.resource?.[type]?.[name] as Json | undefined;
  if (key === "aws_ssm_document.arn" && typeof resource?.name === "string") {
    return `arn:${lab.partition}:ssm:${lab.region}:${lab.account}:document/${resource.name}`;
  }
  // The provider's log group ARN, without the ":*" the API adds.
  if (key === "aws_cloudwatch_log_group.arn" && typeof resource?.name === "string") {
    return `arn:${lab.partition}:logs:${lab.region}:${lab.account}:log-group:${resource.name}`;
  }
  const instance = type === "aws_instance" ? setup.instances?.[resource?.private_ip] : undefined;
  if (key === "aws_instance.id") return instance?.instanceId;
  if (key === "aws_instance.primary_network_interface_id") return instance?.networkInterfaceId;
  return undefined;
}

/** The policy text with every `${...}` replaced; an unknown reference throws, naming it. */
export function resolvePolicyText(json: Json, setup: PolicySetup, text: string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, reference: string) => {
    const value = referenceValue(json, setup, reference);
    if (value === undefined) {
      throw new Error(
        `the AWS stand-in cannot resolve \${${reference}} in a role policy: give it in the setup's ` +
          "`values`, or the instance's address in `instances`",
      );
    }
    return value;
  });
}

/** The role a policy or an attachment names: `${aws_iam_role.X.id}` or `.name`. */
const roleOf = (text: unknown) =>
  /^\$\{aws_iam_role\.([^.]+)\.(id|name)\}$/.exec(String(text))?.[1];

export function rolePolicies(json: Json, setup: PolicySetup): RolePolicies[] {
  return resources(json, "aws_iam_role").map(([resource, role]) => {
    const inline = resources(json, "aws_iam_role_policy")
      .filter(([, p]) => roleOf(p.role) === resource)
      .map(
        ([, p]) => JSON.parse(resolvePolicyText(json, setup, String(p.policy))) as PolicyDocument,
      );
    const managed = resources(json, "aws_iam_role_policy_attachment")
      .filter(([, a]) => roleOf(a.role) === resource)
      .map(([, a]) => {
        const name = String(a.policy_arn).split("/").pop()!;
        if (!MANAGED_POLICIES[name])
          throw new Error(`the AWS stand-in does not know managed policy ${a.policy_arn}`);
        return MANAGED_POLICIES[name];
      });
    const roleName = String(role.name ?? `${role.name_prefix ?? ""}${resource}`).slice(0, 64);
    return { resource, roleName, policies: [...inline, ...managed] };
  });
}

/**
 * The lab's ids for every instance of a stack, derived from its private address
 * (10.0.1.5: i-lab0a000105 with eni-lab0a000105), so a test or the VM lab
 * needs no table of its own.
 */
export function labInstances(json: Json): Record<string, LabInstance> {
  const hex = (address: string) =>
    address
      .split(".")
      .map((octet) => Number(octet).toString(16).padStart(2, "0"))
      .join("");
  return Object.fromEntries(
    resources(json, "aws_instance")
      .map(([, instance]) => String(instance.private_ip))
      .map((address) => [
        address,
        { instanceId: `i-lab${hex(address)}`, networkInterfaceId: `eni-lab${hex(address)}` },
      ]),
  );
}

/**
 * The policies the stand-in enforces come from the synthesized stack: every
 * inline policy of the instance role, with every Terraform reference the
 * library puts in policy text resolved to the lab's partition, region,
 * account, instances and documents; a reference it does not know is an error.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { buildExchangeSePairStack } from "../../examples/exchange-se-pair/stack";
import { evaluate } from "../../lab/aws/iam";
import { labInstances, rolePolicies } from "../../lab/aws/role-policies";
import { synthJson } from "../support/synth";

const lab = {
  partition: "aws",
  region: "eu-west-2",
  account: "210987654321",
  dnsSuffix: "amazonaws.com",
};
const arn = (service: string, resource: string) =>
  `arn:aws:${service}:eu-west-2:210987654321:${resource}`;
const GOLDEN = join(__dirname, "..", "golden");
const golden = (name: string) =>
  JSON.parse(readFileSync(join(GOLDEN, name, "cdk.tf.json"), "utf8"));

test.each(readdirSync(GOLDEN))(
  "%s: every reference in the role's policies resolves, and one role holds them all",
  (name) => {
    const json = golden(name);
    const roles = rolePolicies(json, { lab, instances: labInstances(json) });
    expect(roles.map((r) => r.resource)).toEqual(["Lb_InstanceRole_3E378F96"]);
    const text = JSON.stringify(roles[0].policies);
    expect(text).not.toContain("${");
    expect(roles[0].policies.length).toBe(Object.keys(json.resource.aws_iam_role_policy).length);
    expect(roles[0].roleName).toBe("exchange-lb-Lb_InstanceRole_3E378F96");
  },
);

describe("the Exchange SE pair example, synthesized", () => {
  const json = synthJson(buildExchangeSePairStack(Testing.app()).stack);
  const [role] = rolePolicies(json, { lab, instances: labInstances(json) });
  const may = (action: string, resource: string, context = {}) =>
    evaluate(role.policies, { action, resource, context });

  test("its failover policy moves the VIP route in its two route tables, no other", () => {
    for (const action of ["ec2:ReplaceRoute", "ec2:CreateRoute"]) {
      expect(may(action, arn("ec2", "route-table/rtb-0aaa1111"))).toBe("allow");
      expect(may(action, arn("ec2", "route-table/rtb-0bbb2222"))).toBe("allow");
      expect(may(action, arn("ec2", "route-table/rtb-0ccc3333"))).toBe("implicit-deny");
    }
    expect(
      may("ec2:AssignPrivateIpAddresses", arn("ec2", "network-interface/eni-lab0a000105")),
    ).toBe("implicit-deny");
  });

  test("the SSM agent reads the config document by its resolved ARN, no other document", () => {
    const document = arn("ssm", "document/ExchangeLb-exchange-se-pair-Lb-config");
    expect(may("ssm:GetDocument", document)).toBe("allow");
    expect(
      may("ssm:GetDocument", arn("ssm", "document/ExchangeLb-exchange-se-pair-Lb-Maintenance")),
    ).toBe("implicit-deny");
  });

  test("each instance's network interface comes from its address", () => {
    expect(labInstances(json)).toEqual({
      "10.0.1.5": { instanceId: "i-lab0a000105", networkInterfaceId: "eni-lab0a000105" },
      "10.0.2.5": { instanceId: "i-lab0a000205", networkInterfaceId: "eni-lab0a000205" },
    });
  });
});

test("the secondary-IP pair may take its VIPs on its own two interfaces, resolved from the instances", () => {
  const json = golden("coverage-2010-secondary-pair");
  const [role] = rolePolicies(json, { lab, instances: labInstances(json) });
  const assign = (eni: string) =>
    evaluate(role.policies, {
      action: "ec2:AssignPrivateIpAddresses",
      resource: arn("ec2", `network-interface/${eni}`),
    });
  expect(assign("eni-lab0a000105")).toBe("allow");
  expect(assign("eni-lab0a000106")).toBe("allow");
  expect(assign("eni-lab0a000107")).toBe("implicit-deny");
});

test("a customer key decrypts through the store's service only, as synthesized", () => {
  const json = golden("coverage-2019-single");
  const [role] = rolePolicies(json, { lab, instances: labInstances(json) });
  const key = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const via = (service: string) =>
    evaluate(role.policies, {
      action: "kms:Decrypt",
      resource: key,
      context: { "kms:ViaService": `${service}.eu-west-2.amazonaws.com` },
    });
  expect(via("ssm")).toBe("allow");
  expect(via("secretsmanager")).toBe("implicit-deny");
});

test("a reference the stand-in cannot resolve is an error naming it, never left in the policy", () => {
  expect(() => rolePolicies(golden("coverage-2010-secondary-pair"), { lab })).toThrow(
    "cannot resolve ${aws_instance.Lb_Node-10_0_1_5_470DB856.primary_network_interface_id}",
  );
  const json = golden("exchange-se-pair");
  const policy = Object.values(json.resource.aws_iam_role_policy)[0] as { policy: string };
  policy.policy = policy.policy.replace("rtb-0aaa1111", "${aws_route_table.Main.id}");
  expect(() => rolePolicies(json, { lab, instances: labInstances(json) })).toThrow(
    "cannot resolve ${aws_route_table.Main.id}",
  );
  expect(
    rolePolicies(json, {
      lab,
      instances: labInstances(json),
      values: { "aws_route_table.Main.id": "rtb-0main" },
    })[0].policies[0],
  ).toMatchObject({
    Statement: [{ Resource: expect.arrayContaining([arn("ec2", "route-table/rtb-0main")]) }],
  });
});

test("an AWS managed policy attached to the role is known by its content; an unknown one is an error", () => {
  const json = golden("exchange-2010");
  json.resource.aws_iam_role_policy_attachment = {
    Core: {
      role: "${aws_iam_role.Lb_InstanceRole_3E378F96.name}",
      policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    },
  };
  const [role] = rolePolicies(json, { lab, instances: labInstances(json) });
  const parameter = arn("ssm", "parameter/prod/database/password");
  expect(evaluate(role.policies, { action: "ssm:GetParameter", resource: parameter })).toBe(
    "allow",
  );
  json.resource.aws_iam_role_policy_attachment.Core.policy_arn =
    "arn:aws:iam::aws:policy/AdministratorAccess";
  expect(() => rolePolicies(json, { lab, instances: labInstances(json) })).toThrow(
    "does not know managed policy arn:aws:iam::aws:policy/AdministratorAccess",
  );
});

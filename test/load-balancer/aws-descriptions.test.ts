/**
 * EC2 refuses a security group or a rule whose description holds a character
 * outside its set, an apostrophe too ("Invalid rule description"): Terraform
 * would plan it and `cdktf deploy` fail. Every description the examples and
 * the golden stacks (together every construct) synthesize is within the set.
 */
import { Testing } from "cdktf";
import { ImapVip } from "../../lib";
import { buildAwsLabStack } from "../../examples/aws-lab/stack";
import { goldenFiles } from "../support/golden";
import { Json, PAIR_PROPS, fixture, resourcesOf, synthJson } from "../support/synth";

/** CreateSecurityGroup's GroupDescription [EC2 API reference]. */
const GROUP_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
/** A rule's Description (IpRange, UserIdGroupPair, PrefixListId) [EC2 API reference]: no "&" for some. */
const RULE_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]{0,255}$/;

const stacks: [string, Json][] = [
  ...[...goldenFiles()]
    .filter(([path]) => path.endsWith("/cdk.tf.json"))
    .map(([path, text]): [string, Json] => [path.split("/")[0], JSON.parse(text)]),
  ["aws-lab", synthJson(buildAwsLabStack(Testing.app()).stack)],
  ["private-subnets", synthJson(privateSubnets().stack)],
];

/** A pair in private subnets: the VPC endpoints' and the apt proxy's rules, which no golden stack has. */
function privateSubnets() {
  const stack = fixture({
    ...PAIR_PROPS,
    vpcEndpoints: { subnetIds: ["subnet-0a1b2c3d"], s3RouteTableIds: ["rtb-0a"] },
    aptProxy: "http://192.168.30.99:3128",
  });
  new ImapVip(stack.lb, "CasImap");
  return stack;
}

/** `stack type.description` of each description `pattern` refuses. */
function refused(types: string[], pattern: RegExp): string[] {
  return stacks.flatMap(([name, json]) =>
    types.flatMap((type) =>
      resourcesOf(json, type)
        .map((resource: Json) => String(resource.description ?? ""))
        .filter((description: string) => !pattern.test(description))
        .map((description: string) => `${name} ${type}: ${description}`),
    ),
  );
}

test("the stacks checked include a pair, VPC endpoints and the AWS lab", () => {
  expect(stacks.map(([name]) => name)).toEqual(
    expect.arrayContaining([
      "exchange-se-pair",
      "coverage-2019-single",
      "aws-lab",
      "private-subnets",
    ]),
  );
  const endpoints = resourcesOf(stacks[stacks.length - 1][1], "aws_vpc_endpoint");
  expect(endpoints.map((e: Json) => e.vpc_endpoint_type).sort()).toEqual(
    expect.arrayContaining(["Gateway", "Interface"]),
  );
});

test("every security group's description is one EC2 accepts", () => {
  expect(refused(["aws_security_group"], GROUP_DESCRIPTION)).toEqual([]);
});

test("every security-group rule's description is one EC2 accepts", () => {
  expect(
    refused(
      ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
      RULE_DESCRIPTION,
    ),
  ).toEqual([]);
});

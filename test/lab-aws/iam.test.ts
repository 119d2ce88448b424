/**
 * The lab's IAM evaluation, each rule with an allowed and a denied case side
 * by side: wildcards in actions (any case) and resources (one ARN component at
 * a time), NotAction and NotResource, the condition operators, OR within a
 * key's values and AND across keys, explicit deny over allow, and an unknown
 * operator refused, never taken as a match.
 */
import { PolicyDocument, Statement, arnMatch, evaluate } from "../../lab/aws/iam";

const ARN = "arn:aws:ec2:eu-west-2:123456789012";
const TABLE = `${ARN}:route-table/rtb-0aaa1111`;
const policy = (...Statement: Statement[]): PolicyDocument[] => [
  { Version: "2012-10-17", Statement },
];
const allow = (statement: Omit<Statement, "Effect">): Statement => ({
  Effect: "Allow",
  ...statement,
});

describe("actions", () => {
  const documents = policy(allow({ Action: ["ec2:Replace*", "ssm:Get?arameter"], Resource: "*" }));

  test.each([
    ["ec2:ReplaceRoute", "allow"],
    ["EC2:replaceroute", "allow"],
    ["ssm:GetParameter", "allow"],
    ["ec2:CreateRoute", "implicit-deny"],
    ["ssm:GetParameters", "implicit-deny"],
    ["sts:ec2:ReplaceRoute", "implicit-deny"],
  ])("%s: %s", (action, decision) => {
    expect(evaluate(documents, { action, resource: TABLE })).toBe(decision);
  });

  test("NotAction allows every other action, not the one it names", () => {
    const not = policy(allow({ NotAction: "ec2:Create*", Resource: "*" }));
    expect(evaluate(not, { action: "ec2:ReplaceRoute", resource: TABLE })).toBe("allow");
    expect(evaluate(not, { action: "ec2:CreateRoute", resource: TABLE })).toBe("implicit-deny");
  });
});

describe("resources", () => {
  test.each([
    [`${ARN}:route-table/rtb-0aaa1111`, `${ARN}:route-table/rtb-0aaa1111`, true],
    [`${ARN}:route-table/rtb-0aaa1111`, `${ARN}:route-table/rtb-0bbb2222`, false],
    [`${ARN}:route-table/*`, `${ARN}:route-table/rtb-0bbb2222`, true],
    [`${ARN}:route-table/*`, `${ARN}:network-interface/eni-0aaa`, false],
    ["arn:aws:ec2:*:*:route-table/rtb-0aaa111?", TABLE, true],
    ["arn:aws:ec2:*:route-table/*", TABLE, false],
    [
      "arn:aws:ssm:eu-west-2:123456789012:parameter/exchange/*",
      "arn:aws:ssm:eu-west-2:123456789012:parameter/exchange/tls/mail",
      true,
    ],
    [
      "arn:aws:ssm:eu-west-2:123456789012:parameter/exchange/tls/mail",
      "arn:aws:ssm:eu-west-2:123456789012:parameter/Exchange/tls/mail",
      false,
    ],
    ["*", TABLE, true],
  ])("%s against %s: %s", (pattern, arn, matches) => {
    expect(arnMatch(pattern, arn)).toBe(matches);
    const documents = policy(allow({ Action: "ec2:ReplaceRoute", Resource: pattern }));
    expect(evaluate(documents, { action: "ec2:ReplaceRoute", resource: arn })).toBe(
      matches ? "allow" : "implicit-deny",
    );
  });

  test("a wildcard never spans ARN components: * in the region is not the account too", () => {
    expect(
      arnMatch("arn:aws:ec2:*:route-table/rtb-1", "arn:aws:ec2:eu-west-2:1:route-table/rtb-1"),
    ).toBe(false);
    expect(
      arnMatch("arn:aws:ec2:*:*:route-table/rtb-1", "arn:aws:ec2:eu-west-2:1:route-table/rtb-1"),
    ).toBe(true);
  });

  test("NotResource allows every other resource, not the one it names", () => {
    const documents = policy(allow({ Action: "ec2:ReplaceRoute", NotResource: TABLE }));
    expect(
      evaluate(documents, { action: "ec2:ReplaceRoute", resource: `${ARN}:route-table/rtb-1` }),
    ).toBe("allow");
    expect(evaluate(documents, { action: "ec2:ReplaceRoute", resource: TABLE })).toBe(
      "implicit-deny",
    );
  });
});

describe("explicit deny", () => {
  test("a Deny that matches wins over any Allow; one that does not match changes nothing", () => {
    const documents = policy(allow({ Action: "ec2:*", Resource: "*" }), {
      Effect: "Deny",
      Action: "ec2:CreateRoute",
      Resource: TABLE,
    });
    expect(evaluate(documents, { action: "ec2:CreateRoute", resource: TABLE })).toBe(
      "explicit-deny",
    );
    expect(evaluate(documents, { action: "ec2:ReplaceRoute", resource: TABLE })).toBe("allow");
  });
});

describe("conditions", () => {
  const KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd";
  const decrypt = (Condition: Statement["Condition"], context: Record<string, string>) =>
    evaluate(policy(allow({ Action: "kms:Decrypt", Resource: KEY, Condition })), {
      action: "kms:Decrypt",
      resource: KEY,
      context,
    });
  const VIA_SSM = { "kms:ViaService": "ssm.eu-west-2.amazonaws.com" };
  const VIA_SECRETS = { "kms:ViaService": "secretsmanager.eu-west-2.amazonaws.com" };

  test("StringEquals on kms:ViaService, as the certificate policy synthesizes it", () => {
    const condition = { StringEquals: { "kms:ViaService": "ssm.eu-west-2.amazonaws.com" } };
    expect(decrypt(condition, VIA_SSM)).toBe("allow");
    expect(decrypt(condition, VIA_SECRETS)).toBe("implicit-deny");
    expect(decrypt(condition, {})).toBe("implicit-deny");
  });

  test("several values of one key: any of them (OR)", () => {
    const condition = {
      StringEquals: {
        "kms:ViaService": ["ssm.eu-west-2.amazonaws.com", "s3.eu-west-2.amazonaws.com"],
      },
    };
    expect(decrypt(condition, VIA_SSM)).toBe("allow");
    expect(decrypt(condition, VIA_SECRETS)).toBe("implicit-deny");
  });

  test("several keys, several operators: all of them (AND)", () => {
    const condition = {
      StringEquals: {
        "kms:ViaService": "ssm.eu-west-2.amazonaws.com",
        "kms:CallerAccount": "123456789012",
      },
      StringLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/exchange-lb-*" },
    };
    const role = { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/exchange-lb-x" };
    expect(decrypt(condition, { ...VIA_SSM, "kms:CallerAccount": "123456789012", ...role })).toBe(
      "allow",
    );
    expect(decrypt(condition, { ...VIA_SSM, "kms:CallerAccount": "999999999999", ...role })).toBe(
      "implicit-deny",
    );
    expect(decrypt(condition, { ...VIA_SSM, "kms:CallerAccount": "123456789012" })).toBe(
      "implicit-deny",
    );
  });

  test("StringNotEquals: none of the values (NOR); a missing key satisfies it", () => {
    const condition = {
      StringNotEquals: { "kms:ViaService": ["ssm.eu-west-2.amazonaws.com", "x"] },
    };
    expect(decrypt(condition, VIA_SECRETS)).toBe("allow");
    expect(decrypt(condition, VIA_SSM)).toBe("implicit-deny");
    expect(decrypt(condition, {})).toBe("allow");
  });

  test("StringLike with * and ?", () => {
    const condition = { StringLike: { "kms:ViaService": "ss?.*.amazonaws.com" } };
    expect(decrypt(condition, VIA_SSM)).toBe("allow");
    expect(decrypt(condition, VIA_SECRETS)).toBe("implicit-deny");
  });

  test("ArnEquals and ArnLike", () => {
    const role = "arn:aws:iam::123456789012:role/exchange-lb-a";
    const equals = { ArnEquals: { "aws:PrincipalArn": role } };
    expect(decrypt(equals, { "aws:PrincipalArn": role })).toBe("allow");
    expect(decrypt(equals, { "aws:PrincipalArn": `${role}b` })).toBe("implicit-deny");
    const like = { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/exchange-lb-*" } };
    expect(decrypt(like, { "aws:PrincipalArn": role })).toBe("allow");
    expect(decrypt(like, { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/other" })).toBe(
      "implicit-deny",
    );
  });

  test("...IfExists: holds when the key is missing, tests it when present", () => {
    const condition = { StringEqualsIfExists: { "kms:ViaService": "ssm.eu-west-2.amazonaws.com" } };
    expect(decrypt(condition, {})).toBe("allow");
    expect(decrypt(condition, VIA_SECRETS)).toBe("implicit-deny");
  });

  test("an operator the stand-in does not know is an error, not a match", () => {
    expect(() => decrypt({ NumericLessThan: { "kms:ViaService": "1" } }, VIA_SSM)).toThrow(
      "does not know condition operator NumericLessThan",
    );
    expect(() =>
      decrypt({ "ForAnyValue:StringEquals": { "kms:ViaService": "x" } }, VIA_SSM),
    ).toThrow("does not know condition operator ForAnyValue:StringEquals");
  });
});

/**
 * The instance role may do exactly what the instance needs, proven against a
 * stand-in for IAM's evaluation: the SSM agent's calls, the certificates'
 * parameters and secrets, their keys through SSM or Secrets Manager only, and
 * the pair's one EC2 call; never another parameter of the account.
 */
import { CasHttpsVip, ExchangeVersion, TlsCertificate } from "../../lib";
import { ACCOUNT, isAllowed, roleStatements } from "../support/iam";
import {
  ELASTIC_IP_PAIR_PROPS,
  Json,
  fixture,
  resourcesOf,
  rolePolicy,
  synthJson,
} from "../support/synth";

const { partition, region, account } = ACCOUNT;
const arn = (service: string, resource: string) =>
  `arn:${partition}:${service}:${region}:${account}:${resource}`;
const KEY = arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
const SECRET = arn("secretsmanager", "secret:exchange/tls-AbCdEf");
const VIA_SSM = { "kms:ViaService": `ssm.${region}.amazonaws.com` };
const VIA_SECRETS = { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` };

function withCertificate(certificate: TlsCertificate): Json {
  const f = fixture({
    exchangeVersion: ExchangeVersion.EXCHANGE_2016,
    namespace: "mail.example.com",
  });
  new CasHttpsVip(f.lb, "CasHttps", { tls: "offload", certificate });
  return synthJson(f.stack);
}

describe("the SSM agent", () => {
  const json = withCertificate(
    TlsCertificate.fromSsmParameter("/exchange/tls/mail", { kmsKeyArn: KEY }),
  );
  const statements = roleStatements(json);
  const allowed = (action: string, resource = "*", context = {}) =>
    isAllowed(statements, { action, resource, context });

  test("no managed policy: an inline policy with the agent's calls, reading only the config document", () => {
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual([]);
    const [document] = Object.keys(json.resource.aws_ssm_document);
    expect(rolePolicy(json, "ssm-agent").Statement).toEqual([
      expect.objectContaining({ Sid: "SystemsManagerAgent", Resource: "*" }),
      expect.objectContaining({ Sid: "StateManagerAssociations", Resource: "*" }),
      {
        Sid: "ReadTheConfigDocument",
        Effect: "Allow",
        Action: ["ssm:GetDocument", "ssm:DescribeDocument"],
        Resource: [`\${aws_ssm_document.${document}.arn}`],
      },
    ]);
  });

  test.each([
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
    "ssm:ListInstanceAssociations",
    "ssm:DescribeAssociation",
    "ssm:UpdateInstanceAssociationStatus",
  ])("may %s (Session Manager, Run Command, State Manager)", (action) => {
    expect(allowed(action, arn("ec2", "instance/i-0abc"))).toBe(true);
  });

  test("may read the config document, no other", () => {
    const [document] = Object.keys(json.resource.aws_ssm_document);
    expect(allowed("ssm:GetDocument", `\${aws_ssm_document.${document}.arn}`)).toBe(true);
    expect(allowed("ssm:GetDocument", arn("ssm", "document/SomeoneElses"))).toBe(false);
  });

  test.each([
    ["ssm:GetParameter", arn("ssm", "parameter/prod/database/password")],
    ["ssm:GetParameters", arn("ssm", "parameter/prod/database/password")],
    ["ssm:GetParametersByPath", arn("ssm", "parameter/prod")],
    ["ssm:PutInventory", "*"],
    ["ssm:GetManifest", "*"],
    ["ssm:GetDeployablePatchSnapshotForInstance", "*"],
  ])("may not %s on %s", (action, resource) => {
    expect(allowed(action, resource)).toBe(false);
  });

  test("may read its certificate's parameter, and decrypt it through SSM only", () => {
    expect(allowed("ssm:GetParameter", arn("ssm", "parameter/exchange/tls/mail"))).toBe(true);
    expect(allowed("kms:Decrypt", KEY, VIA_SSM)).toBe(true);
    // A direct Decrypt (no service in between) or through another service is refused.
    expect(allowed("kms:Decrypt", KEY)).toBe(false);
    expect(allowed("kms:Decrypt", KEY, VIA_SECRETS)).toBe(false);
  });
});

describe("Secrets Manager", () => {
  test("the full secret ARN: GetSecretValue on it alone, its key through Secrets Manager only", () => {
    const json = withCertificate(TlsCertificate.fromSecretsManager(SECRET, { kmsKeyArn: KEY }));
    const statements = roleStatements(json);
    const allowed = (action: string, resource: string, context = {}) =>
      isAllowed(statements, { action, resource, context });
    expect(allowed("secretsmanager:GetSecretValue", SECRET)).toBe(true);
    expect(
      allowed("secretsmanager:GetSecretValue", arn("secretsmanager", "secret:other-AbCdEf")),
    ).toBe(false);
    expect(allowed("kms:Decrypt", KEY, VIA_SECRETS)).toBe(true);
    expect(allowed("kms:Decrypt", KEY, VIA_SSM)).toBe(false);
  });

  test("kms:ViaService per store: the parameter's key through SSM only, the secret's key through Secrets Manager only", () => {
    const otherKey = arn("kms", "key/9999abcd-12ab-34cd-56ef-1234567890ab");
    const f = fixture({
      exchangeVersion: ExchangeVersion.EXCHANGE_2016,
      namespace: "mail.example.com",
    });
    new CasHttpsVip(f.lb, "CasHttps", {
      tls: "offload",
      certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail", { kmsKeyArn: KEY }),
    });
    new CasHttpsVip(f.lb, "Autodiscover", {
      address: "192.168.30.11",
      tls: "offload",
      certificate: TlsCertificate.fromSecretsManager(SECRET, { kmsKeyArn: otherKey }),
    });
    const statements = roleStatements(synthJson(f.stack));
    const decrypt = (key: string, context: Record<string, string>) =>
      isAllowed(statements, { action: "kms:Decrypt", resource: key, context });
    expect(decrypt(KEY, VIA_SSM)).toBe(true);
    expect(decrypt(otherKey, VIA_SECRETS)).toBe(true);
    expect(decrypt(KEY, VIA_SECRETS)).toBe(false);
    expect(decrypt(otherKey, VIA_SSM)).toBe(false);
  });

  test("a partial ARN (no 6-character suffix) is refused at synth with the fix", () => {
    expect(() =>
      withCertificate(
        TlsCertificate.fromSecretsManager(arn("secretsmanager", "secret:exchange/tls")),
      ),
    ).toThrow(
      `test/Lb/CasHttps: certificate: "${arn("secretsmanager", "secret:exchange/tls")}" is a partial secret ARN (without the 6-character suffix Secrets Manager adds), which the role's policy would not match; give the full ARN: aws secretsmanager describe-secret --secret-id <name> --query ARN (a secret whose name itself ends in "-" and 6 letters or digits must be given the same way, with its real suffix: its partial ARN cannot be told from a full one and would be denied at boot)`,
    );
  });

  test("a name ending in -XXXXXX cannot be told from a full ARN: accepted as given, and the role may read that exact ARN only", () => {
    // "exchange/tls-2024ab" is the secret's name; its real ARN ends in "-2024ab-<suffix>".
    const looksFull = arn("secretsmanager", "secret:exchange/tls-2024ab");
    const statements = roleStatements(
      withCertificate(TlsCertificate.fromSecretsManager(looksFull)),
    );
    const read = (resource: string) =>
      isAllowed(statements, { action: "secretsmanager:GetSecretValue", resource });
    expect(read(looksFull)).toBe(true);
    // No wildcard for a suffix: "<arn>-??????" would also grant a secret named like the ARN's last part.
    expect(read(`${looksFull}-XyZ789`)).toBe(false);
  });
});

test("an Elastic IP pair may associate the address with its own interfaces and instances only", () => {
  const f = fixture(ELASTIC_IP_PAIR_PROPS);
  new CasHttpsVip(f.lb, "CasHttps");
  const json = synthJson(f.stack);
  const [node1, node2] = Object.keys(json.resource.aws_instance);
  const statements = roleStatements(json);
  const associate = (resource: string) =>
    isAllowed(statements, { action: "ec2:AssociateAddress", resource });
  expect(associate(arn("ec2", "elastic-ip/eipalloc-0e1"))).toBe(true);
  for (const node of [node1, node2]) {
    expect(associate(arn("ec2", `instance/\${aws_instance.${node}.id}`))).toBe(true);
    expect(
      associate(
        arn("ec2", `network-interface/\${aws_instance.${node}.primary_network_interface_id}`),
      ),
    ).toBe(true);
  }
  expect(associate(arn("ec2", "instance/i-0someoneelse"))).toBe(false);
  expect(associate(arn("ec2", "elastic-ip/eipalloc-0other"))).toBe(false);
});

describe("the instances boot after the role policies they use at boot", () => {
  /** Each policy's address by its name prefix. */
  const policyAddress = (json: Json, what: string) => {
    const [name] = Object.entries(json.resource.aws_iam_role_policy).find(([, p]) =>
      String((p as Json).name_prefix).startsWith(`exchange-lb-${what}-`),
    ) as [string, Json];
    return `aws_iam_role_policy.${name}`;
  };
  const dependsOn = (instance: Json): string[] =>
    (instance.depends_on ?? []).map((d: string) => d.replace(/^\$\{(.*)\}$/, "$1"));

  test("one instance waits for the SSM agent's and the certificates' policies", () => {
    const json = withCertificate(TlsCertificate.fromSsmParameter("/exchange/tls/mail"));
    const [instance] = resourcesOf(json, "aws_instance");
    expect(dependsOn(instance)).toEqual(
      expect.arrayContaining([
        policyAddress(json, "ssm-agent"),
        policyAddress(json, "certificates"),
      ]),
    );
  });

  test("both nodes of a pair wait for them; the failover policy, which names the instances, cannot be waited for", () => {
    const f = fixture({
      subnetId: undefined,
      highAvailability: {
        nodes: [
          { subnetId: "subnet-0aaa", address: "10.0.1.5" },
          { subnetId: "subnet-0aaa", address: "10.0.1.6" },
        ],
      },
    });
    new CasHttpsVip(f.lb, "CasHttps", {
      tls: "bridge",
      certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail"),
    });
    const json = synthJson(f.stack);
    for (const instance of resourcesOf(json, "aws_instance")) {
      expect(dependsOn(instance)).toEqual(
        expect.arrayContaining([
          policyAddress(json, "ssm-agent"),
          policyAddress(json, "certificates"),
        ]),
      );
      expect(dependsOn(instance)).not.toContain(policyAddress(json, "failover"));
    }
  });
});

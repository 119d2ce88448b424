/**
 * The AWS stand-in as the instances meet it: Debian's real AWS CLI signs each
 * call with the credentials the registry issued for a role whose policies are
 * the synthesized stack's; the stand-in checks the signature, evaluates those
 * policies, changes its network or answers from its stores, and refuses the
 * rest in AWS's words, which the CLI prints and exits non-zero on.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ImdsCredentials } from "../../lab/aws/credentials";
import type { NetworkChange } from "../../lab/aws/network";
import { labInstances, rolePolicies } from "../../lab/aws/role-policies";
import { LAB, Running, aws, startStandIn, stopStandIn } from "../support/aws-stand-in";

const GOLDEN = join(__dirname, "..", "golden");
/** The role of a stack's golden cdk.tf.json, its policies resolved for the lab. */
function policiesOf(stack: string) {
  const json = JSON.parse(readFileSync(join(GOLDEN, stack, "cdk.tf.json"), "utf8"));
  const lab = { ...LAB, dnsSuffix: "amazonaws.com" };
  return rolePolicies(json, { lab, instances: labInstances(json) })[0].policies;
}

const KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:exchange-tls-AbCdEf";
const OTHER_SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod-db-XyZ123";
const PEM = "-----BEGIN CERTIFICATE-----\nlab\n-----END CERTIFICATE-----\n";
const AGENT = "amazon-ssm-eu-west-2/latest/debian_amd64/amazon-ssm-agent.deb";

let running: Running;
const changes: NetworkChange[] = [];
/** The 2019 pair's preferred node (route table), and one node of each other placement. */
let pair: ImdsCredentials;
let secondary: ImdsCredentials;
let elastic: ImdsCredentials;
let single: ImdsCredentials;

beforeAll(async () => {
  running = await startStandIn({
    network: {
      interfaces: ["10.0.1.5", "10.0.2.5", "10.0.1.6"].map((ip) => ({
        id: `eni-lab${hex(ip)}`,
        instanceId: `i-lab${hex(ip)}`,
        privateIps: [ip],
      })),
      routeTables: [
        {
          id: "rtb-0aaa1111",
          routes: [{ destination: "10.100.0.10/32", networkInterfaceId: "eni-lab0a000205" }],
        },
        { id: "rtb-0bbb2222" },
        {
          id: "rtb-0ccc3333",
          routes: [{ destination: "10.100.0.10/32", networkInterfaceId: "eni-lab0a000205" }],
        },
      ],
      elasticIps: [{ allocationId: "eipalloc-0abc1234", publicIp: "203.0.113.10" }],
    },
    parameters: [
      { name: "/exchange/tls/mail", value: PEM, kmsKeyArn: KEY },
      { name: "/prod/database/password", value: "secret" },
    ],
    secrets: [
      { arn: SECRET, value: PEM, kmsKeyArn: KEY },
      { arn: OTHER_SECRET, value: "secret" },
    ],
    objects: { [AGENT]: "the agent's package" },
    onChange: (change) => changes.push(change),
  });
  const { standIn } = running;
  pair = standIn.issueCredentials("i-lab0a000105", "se-pair", policiesOf("exchange-se-pair"));
  secondary = standIn.issueCredentials(
    "i-lab0a000105",
    "secondary",
    policiesOf("coverage-2010-secondary-pair"),
  );
  elastic = standIn.issueCredentials(
    "i-lab0a000205",
    "elastic",
    policiesOf("coverage-2016-eip-pair"),
  );
  single = standIn.issueCredentials("i-lab0a000106", "single", policiesOf("coverage-2019-single"));
});

afterAll(() => stopStandIn(running));

function hex(address: string): string {
  return address
    .split(".")
    .map((o) => Number(o).toString(16).padStart(2, "0"))
    .join("");
}

const route = (verb: "replace-route" | "create-route", table: string) => [
  "ec2",
  verb,
  "--route-table-id",
  table,
  "--destination-cidr-block",
  "10.100.0.10/32",
  "--network-interface-id",
  "eni-lab0a000105",
];

/** The secondary-IP claim of the node at 10.0.1.5, as the failover program makes it. */
const assign = (...addresses: string[]) => [
  "ec2",
  "assign-private-ip-addresses",
  "--network-interface-id",
  "eni-lab0a000105",
  "--allow-reassignment",
  "--private-ip-addresses",
  ...addresses,
];
const getParameter = (name: string, ...more: string[]) => [
  "ssm",
  "get-parameter",
  "--name",
  name,
  ...more,
];
const VALUE = ["--query", "Parameter.Value", "--output", "text"];

const ROLE = (name: string, instance: string) =>
  `User: arn:aws:sts::123456789012:assumed-role/${name}/${instance} is not authorized to perform:`;

test("the pair's failover policy points its route tables at the claiming node; another table is refused in AWS's words", async () => {
  const [replaced, created, refused] = await Promise.all([
    aws(running, pair, route("replace-route", "rtb-0aaa1111")),
    aws(running, pair, route("create-route", "rtb-0bbb2222")),
    aws(running, pair, route("replace-route", "rtb-0ccc3333")),
  ]);
  expect([replaced.code, created.code]).toEqual([0, 0]);
  expect(changes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        kind: "route",
        routeTableId: "rtb-0aaa1111",
        networkInterfaceId: "eni-lab0a000105",
        previousNetworkInterfaceId: "eni-lab0a000205",
      }),
      expect.objectContaining({
        kind: "route",
        routeTableId: "rtb-0bbb2222",
        destination: "10.100.0.10/32",
        instanceId: "i-lab0a000105",
      }),
    ]),
  );
  expect(refused.code).toBe(254);
  expect(refused.stderr).toContain(
    `An error occurred (UnauthorizedOperation) when calling the ReplaceRoute operation: You are not authorized to perform this operation. ${ROLE("se-pair", "i-lab0a000105")} ec2:ReplaceRoute on resource: arn:aws:ec2:eu-west-2:123456789012:route-table/rtb-0ccc3333 because no identity-based policy allows the ec2:ReplaceRoute action. Encoded authorization failure message: `,
  );
  expect(
    running.standIn.network.routeTables.get("rtb-0ccc3333")!.routes[0].networkInterfaceId,
  ).toBe("eni-lab0a000205");
  const denied = running.standIn.calls.find((c) => c.error === "UnauthorizedOperation")!;
  expect(denied).toMatchObject({
    action: "ec2:ReplaceRoute",
    caller: { instanceId: "i-lab0a000105", roleName: "se-pair", accessKeyId: pair.AccessKeyId },
    decision: "implicit-deny",
    status: 403,
  });
});

test("the other placements: secondary IPs move to the claiming interface, the Elastic IP to the claiming node; a policy without the action refuses", async () => {
  const [assigned, associated, without] = await Promise.all([
    aws(running, secondary, assign("10.0.1.10", "10.0.1.11")),
    aws(running, elastic, [
      "ec2",
      "associate-address",
      "--allocation-id",
      "eipalloc-0abc1234",
      "--network-interface-id",
      "eni-lab0a000205",
      "--private-ip-address",
      "10.0.2.5",
      "--allow-reassociation",
    ]),
    aws(running, pair, assign("10.0.1.12")),
  ]);
  expect(assigned).toMatchObject({ code: 0 });
  expect(running.standIn.network.interfaces.get("eni-lab0a000105")!.privateIps).toEqual([
    "10.0.1.5",
    "10.0.1.10",
    "10.0.1.11",
  ]);
  expect(associated.code).toBe(0);
  expect(JSON.parse(associated.stdout).AssociationId).toMatch(/^eipassoc-/);
  expect(changes).toContainEqual(
    expect.objectContaining({
      kind: "elastic-ip",
      publicIp: "203.0.113.10",
      privateIp: "10.0.2.5",
      instanceId: "i-lab0a000205",
    }),
  );
  expect(without.code).toBe(254);
  expect(without.stderr).toContain("(UnauthorizedOperation)");
  expect(without.stderr).toContain(
    "because no identity-based policy allows the ec2:AssignPrivateIpAddresses action",
  );
  expect(running.standIn.network.holderOf("10.0.1.12")).toBeUndefined();
});

test("signatures: a wrong secret, an unknown key and a missing session token are refused before any policy", async () => {
  const calls = running.standIn.calls.length;
  const [wrongSecret, unknownKey, noToken] = await Promise.all([
    aws(
      running,
      // Another first character: the secret is random base64, so a fixed "x" matched it once in 64 runs.
      {
        ...pair,
        SecretAccessKey: `${pair.SecretAccessKey[0] === "x" ? "y" : "x"}${pair.SecretAccessKey.slice(1)}`,
      },
      route("replace-route", "rtb-0aaa1111"),
    ),
    aws(
      running,
      { ...pair, AccessKeyId: "ASIAUNKNOWNUNKNOWN00" },
      route("replace-route", "rtb-0aaa1111"),
    ),
    aws(running, { ...pair, Token: undefined }, getParameter("/exchange/tls/mail")),
  ]);
  expect(wrongSecret.code).toBe(254);
  expect(wrongSecret.stderr).toContain(
    "An error occurred (SignatureDoesNotMatch) when calling the ReplaceRoute operation: The request signature we calculated does not match",
  );
  expect(unknownKey.stderr).toContain(
    "An error occurred (AuthFailure) when calling the ReplaceRoute operation: AWS was not able to validate the provided access credentials",
  );
  expect(noToken.code).toBe(254);
  expect(noToken.stderr).toContain(
    "An error occurred (UnrecognizedClientException) when calling the GetParameter operation: The security token included in the request is invalid.",
  );
  const refused = running.standIn.calls.slice(calls);
  expect(refused.map((c) => [c.decision, c.authorizations.length])).toEqual([
    ["unauthenticated", 0],
    ["unauthenticated", 0],
    ["unauthenticated", 0],
  ]);
});

test("certificates: the stack's parameter and secret are read and decrypted through their service; any other is AccessDenied", async () => {
  const [parameter, otherParameter, secret, otherSecret, keyless, unqualified] = await Promise.all([
    aws(running, single, getParameter("/exchange/tls/mail", "--with-decryption", ...VALUE)),
    aws(running, single, getParameter("/prod/database/password", "--with-decryption")),
    aws(running, secondary, [
      "secretsmanager",
      "get-secret-value",
      "--secret-id",
      SECRET,
      "--query",
      "SecretString",
      "--output",
      "text",
    ]),
    aws(running, secondary, ["secretsmanager", "get-secret-value", "--secret-id", OTHER_SECRET]),
    // The pair's role reads no certificate: its parameter read is refused before KMS.
    aws(running, pair, getParameter("/exchange/tls/mail", "--with-decryption")),
    aws(running, single, getParameter("exchange/tls/mail", "--with-decryption")),
  ]);
  expect(parameter).toMatchObject({ code: 0, stdout: `${PEM}\n` });
  expect(secret).toMatchObject({ code: 0, stdout: `${PEM}\n` });
  for (const [result, action, resource] of [
    [
      otherParameter,
      "ssm:GetParameter",
      "arn:aws:ssm:eu-west-2:123456789012:parameter/prod/database/password",
    ],
    [otherSecret, "secretsmanager:GetSecretValue", OTHER_SECRET],
  ] as const) {
    expect(result.code).toBe(254);
    expect(result.stderr).toContain(`(AccessDeniedException) when calling the`);
    expect(result.stderr).toContain(
      `is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    );
  }
  expect(keyless.stderr).toContain(`${ROLE("se-pair", "i-lab0a000105")} ssm:GetParameter`);
  // The 2019 coverage stack names its parameter without the leading "/" a hierarchy needs.
  expect(unqualified.stderr).toContain(
    "(ValidationException) when calling the GetParameter operation",
  );
  const decrypts = running.standIn.calls
    .flatMap((c) => c.authorizations)
    .filter((a) => a.action === "kms:Decrypt");
  expect(decrypts).toEqual([
    { action: "kms:Decrypt", resources: [KEY], decision: "allow", deniedResource: undefined },
    { action: "kms:Decrypt", resources: [KEY], decision: "allow", deniedResource: undefined },
  ]);
});

test("a customer key's Decrypt is its own authorization: a role that may read the parameter but not decrypt is refused", async () => {
  const readOnly = running.standIn.issueCredentials("i-lab0a000106", "read-only", [
    { Statement: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }] },
  ]);
  const [decrypted, ciphertext] = await Promise.all([
    aws(running, readOnly, getParameter("/exchange/tls/mail", "--with-decryption")),
    aws(running, readOnly, getParameter("/exchange/tls/mail", ...VALUE)),
  ]);
  expect(decrypted.code).toBe(254);
  expect(decrypted.stderr).toContain(
    `${ROLE("read-only", "i-lab0a000106")} kms:Decrypt on resource: ${KEY}`,
  );
  expect(ciphertext).toMatchObject({ code: 0, stdout: `${Buffer.from(PEM).toString("base64")}\n` });
});

test("S3: the SSM agent's package comes from the public bucket by its regional host name, with no credentials", async () => {
  const port = running.standIn.port;
  const curl = (path: string) =>
    new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        "curl",
        [
          "-sS",
          "-w",
          " %{http_code}",
          "--cacert",
          running.tls.caCert,
          "--resolve",
          `s3.eu-west-2.amazonaws.com:${port}:127.0.0.1`,
          `https://s3.eu-west-2.amazonaws.com:${port}/${path}`,
        ],
        (error, stdout) => resolve({ code: error ? 1 : 0, stdout }),
      ),
    );
  const [found, missing] = await Promise.all([curl(AGENT), curl(`${AGENT}.missing`)]);
  expect(found.stdout).toBe("the agent's package 200");
  expect(missing.stdout).toMatch(/<Code>NoSuchKey<\/Code>.* 404$/s);
  expect(running.standIn.calls.filter((c) => c.service === "s3").map((c) => c.decision)).toEqual([
    "anonymous",
    "anonymous",
  ]);
});

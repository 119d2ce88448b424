/**
 * The instance's real programs, installed from a node's synthesized user-data
 * under a temporary root, calling the stand-in through Debian's real AWS CLI.
 * The CLI takes the role's credentials from an IMDSv2 stand-in the way it does
 * on EC2 (iam/security-credentials/<role>, the registry's JSON). Host-side only:
 * a small `aws` on PATH adds --endpoint-url and the lab CA, and the settings
 * point IMDS at 127.0.0.1. A role without the permission is refused, the
 * program logs and retries, and the retry succeeds once the policy is back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ImdsCredentials } from "../../lab/aws/credentials";
import type { PolicyDocument } from "../../lab/aws/iam";
import type { NetworkChange } from "../../lab/aws/network";
import { labInstances, rolePolicies } from "../../lab/aws/role-policies";
import { PATHS } from "../../lib/instance/paths";
import {
  AWS_CLI,
  LAB,
  Running,
  cliEnvironment,
  startStandIn,
  stopStandIn,
} from "../support/aws-stand-in";
import { RunningImds, startImds } from "../support/imds-stand-in";
import { InstanceRoot } from "../support/instance-root";

const GOLDEN = join(__dirname, "..", "golden");
const ROLE = "exchange-lb-Lb_InstanceRole_3E378F96";
const KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:exchange-tls-AbCdEf";
const BUNDLE =
  "-----BEGIN CERTIFICATE-----\nlab\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nlab\n-----END PRIVATE KEY-----\n";

let running: Running;
let imds: RunningImds | undefined;
let root: InstanceRoot;
const changes: NetworkChange[] = [];

/** A stack's golden files: its user-data for a node, its role's policies. */
function stack(name: string, userData: string) {
  const json = JSON.parse(readFileSync(join(GOLDEN, name, "cdk.tf.json"), "utf8"));
  const lab = { ...LAB, dnsSuffix: "amazonaws.com" };
  const [role] = rolePolicies(json, { lab, instances: labInstances(json) });
  return { userData: readFileSync(join(GOLDEN, name, userData), "utf8"), policies: role.policies };
}

/** The policies without the statement `sid`: the variant a test starts from. */
const without = (policies: readonly PolicyDocument[], sid: string): PolicyDocument[] =>
  policies.map((p) => ({ ...p, Statement: [p.Statement].flat().filter((s) => s.Sid !== sid) }));

/**
 * The node's files from its user-data, with IMDS at the stand-in's port and
 * the settings given changed; `aws` is Debian's CLI pointed at the stand-in.
 */
async function installNode(
  userData: string,
  settings: Record<string, string>,
  credentials: () => ImdsCredentials,
) {
  imds = await startImds(
    {
      instanceId: "i-lab0a000105",
      interfaceId: "eni-lab0a000105",
      mac: "0a:00:00:00:01:05",
      region: LAB.region,
      address: "10.0.1.5",
      roleName: ROLE,
    },
    credentials,
  );
  const port = imds.port;
  root = new InstanceRoot();
  root.installUserData(userData);
  let text = root.read(PATHS.SETTINGS);
  for (const [name, value] of Object.entries({ ...settings, IMDS: `http://127.0.0.1:${port}` })) {
    text = text.replace(new RegExp(`^${name}=.*$`, "m"), `${name}="${value}"`);
  }
  root.write(PATHS.SETTINGS, text);
  const env = cliEnvironment(running);
  delete env.AWS_EC2_METADATA_DISABLED;
  const exports = Object.entries({
    ...env,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}/`,
  })
    .map(([name, value]) => `export ${name}='${value}'`)
    .join("\n");
  root.fake("aws", `${exports}\nexec ${AWS_CLI} --endpoint-url ${running.endpoint} "$@"\n`);
  root.fake("logger");
  root.fake("arping");
  // The node's interface holds its address; each VIP is held as /32.
  root.fake(
    "ip",
    'case "$*" in *"show to 10.0.1.5/32"*) echo "2: eth9    inet 10.0.1.5/24 brd x scope global eth9";;\n' +
      '*"show to "*) echo "2: eth9    inet $6 scope global eth9";; esac\n',
  );
}

beforeAll(async () => {
  running = await startStandIn({
    network: {
      interfaces: [
        { id: "eni-lab0a000105", instanceId: "i-lab0a000105", privateIps: ["10.0.1.5"] },
        { id: "eni-lab0a000205", instanceId: "i-lab0a000205", privateIps: ["10.0.2.5"] },
      ],
      routeTables: [
        {
          id: "rtb-0aaa1111",
          routes: [{ destination: "10.100.0.10/32", networkInterfaceId: "eni-lab0a000205" }],
        },
      ],
    },
    secrets: [{ arn: SECRET, value: BUNDLE, kmsKeyArn: KEY }],
    onChange: (change) => changes.push(change),
  });
});

afterEach(async () => {
  await imds?.close();
  imds = undefined;
  killRetryLoop();
  root?.remove();
});

afterAll(() => stopStandIn(running));

async function waitFor(predicate: () => boolean, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 10 && !predicate(); i++)
    await new Promise((r) => setTimeout(r, 100));
  if (!predicate()) throw new Error("timed out");
}

const callsOf = (action: string) => running.standIn.calls.filter((c) => c.action === action);

test("failover: a role without the route-table permission is refused, the claim retried; restored, the retry moves the route", async () => {
  const { userData, policies } = stack("exchange-se-pair", "user-data-10.0.1.5.yaml");
  const credentials = running.standIn.issueCredentials(
    "i-lab0a000105",
    ROLE,
    without(policies, "PointVipRoutesAtThePair"),
  );
  // One route table keeps the three quick tries short; the retry loop starts after 1 s.
  await installNode(
    userData,
    { ROUTE_TABLES: "rtb-0aaa1111", CLAIM_RETRY_FIRST: "1" },
    () => credentials,
  );

  const claim = await root.run(PATHS.FAILOVER_PROGRAM, ["event", "MASTER"], { timeout: 30_000 });
  expect(claim.code).toBe(1);
  expect(claim.stderr).toContain(
    `An error occurred (UnauthorizedOperation) when calling the ReplaceRoute operation: You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/${ROLE}/i-lab0a000105 is not authorized to perform: ec2:ReplaceRoute on resource: arn:aws:ec2:eu-west-2:123456789012:route-table/rtb-0aaa1111`,
  );
  expect(claim.stderr).toContain("failed 3 times: point_route rtb-0aaa1111 10.100.0.10");
  expect(callsOf("ec2:ReplaceRoute").map((c) => [c.decision, c.caller?.roleName])).toEqual(
    Array(3).fill(["implicit-deny", ROLE]),
  );
  expect(
    running.standIn.network.routeTables.get("rtb-0aaa1111")!.routes[0].networkInterfaceId,
  ).toBe("eni-lab0a000205");

  running.standIn.credentials.setRolePolicies(ROLE, policies);
  await waitFor(() => root.read(PATHS.FAILOVER_EVENTS).includes("claimed"), 20);
  expect(root.read(PATHS.FAILOVER_EVENTS)).toMatch(/MASTER claim-failed\n.* RETRY-1 claimed\n$/);
  expect(changes).toContainEqual({
    kind: "route",
    routeTableId: "rtb-0aaa1111",
    destination: "10.100.0.10/32",
    networkInterfaceId: "eni-lab0a000105",
    instanceId: "i-lab0a000105",
    previousNetworkInterfaceId: "eni-lab0a000205",
  });
}, 40_000);

test("certificates: the secret's key may not be decrypted, the fetch is retried; restored, the bundle is written", async () => {
  const { userData, policies } = stack("coverage-2010-secondary-pair", "user-data-10.0.1.5.yaml");
  const credentials = running.standIn.issueCredentials(
    "i-lab0a000105",
    ROLE,
    without(policies, "DecryptCertificateSecrets"),
  );
  await installNode(userData, { CERTIFICATE_RETRY_FIRST: "1" }, () => credentials);

  const fetching = root.run(PATHS.CERTIFICATES_PROGRAM, [], { timeout: 30_000 });
  await waitFor(() => callsOf("secretsmanager:GetSecretValue").length >= 1, 15);
  const [refused] = callsOf("secretsmanager:GetSecretValue");
  expect(refused.authorizations.map((a) => [a.action, a.decision])).toEqual([
    ["secretsmanager:GetSecretValue", "allow"],
    ["kms:Decrypt", "implicit-deny"],
  ]);
  running.standIn.credentials.setRolePolicies(ROLE, policies);
  const fetched = await fetching;
  expect(fetched.stderr).toContain(`could not read secret ${SECRET} (attempt 1 of 6), next in 1 s`);
  expect(fetched).toMatchObject({ code: 0, stdout: "changed\n" });
  const [list] = root.read(PATHS.CERTIFICATE_LIST).split(" ");
  expect(root.read(list)).toBe(`${BUNDLE}\n`);
}, 40_000);

/** Ends a claim retry loop a test left running (its sleep first). */
function killRetryLoop(): void {
  if (!root?.exists(PATHS.FAILOVER_RETRY_PID)) return;
  const pid = Number(root.read(PATHS.FAILOVER_RETRY_PID));
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

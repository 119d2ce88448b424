/**
 * The certificates program run by /bin/sh, installed under a temporary root as
 * a node's user-data would install it, against a fake `aws` on PATH that
 * records its arguments and prints a bundle, and the lab's IMDSv2 stand-in in
 * a network namespace of the program's own: the calls per
 * store, root-only files, refusal of anything that is not a PEM bundle, and
 * "changed" only when a file changed.
 */
import { statSync } from "node:fs";
import { baseInstancePart } from "../../lib/instance/base";
import { PATHS, certificatePath } from "../../lib/instance/paths";
import { CERTIFICATE_RETRY, certificatesPart } from "../../lib/tls/boot";
import { InstanceRoot, NODE_METADATA } from "../support/instance-root";

const BUNDLE =
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
const METADATA = NODE_METADATA;
let root: InstanceRoot;

/** The certificates part with its retry delays cut to 1 s, so tests do not wait long. */
function quickRetries(attempts: number = CERTIFICATE_RETRY.attempts) {
  const part = certificatesPart();
  const values = {
    ...part.settings!.values,
    CERTIFICATE_RETRY_FIRST: "1",
    CERTIFICATE_RETRY_MAX: "1",
  };
  return {
    ...part,
    settings: { ...part.settings!, values: { ...values, CERTIFICATE_ATTEMPTS: String(attempts) } },
  };
}

beforeEach(() => {
  root = new InstanceRoot();
  root.install([baseInstancePart({ maxconn: 100 }), quickRetries()]);
  fakeAws(BUNDLE);
});
afterEach(() => root.remove());

function fakeAws(output: string): void {
  root.fake("aws", `printf '%s\\n' '${output}'\n`);
}

function list(lines: string[]): void {
  root.write(PATHS.CERTIFICATE_LIST, lines.map((l) => `${l}\n`).join(""));
}

/** The certificates program, with the instance's metadata at the real IMDS address. */
const fetch = (...args: string[]) =>
  root.run(PATHS.CERTIFICATES_PROGRAM, args, { metadata: METADATA });
const web = certificatePath("Web");

test("fetches each bundle from its store in the instance's region, root-only, and says changed once", async () => {
  const secret = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:tls-AbC";
  list([`${web} ssm /exchange/tls/mail`, `${certificatePath("Other")} secretsmanager ${secret}`]);
  const first = await fetch();
  expect(first).toEqual({ code: 0, stdout: "changed\n", stderr: "" });
  expect(root.calls()).toEqual([
    "aws ssm get-parameter --region eu-west-2 --name /exchange/tls/mail --with-decryption --query Parameter.Value --output text",
    `aws secretsmanager get-secret-value --region eu-west-2 --secret-id ${secret} --query SecretString --output text`,
  ]);
  expect(root.read(web)).toBe(`${BUNDLE}\n`);
  expect(statSync(root.path(web)).mode & 0o777).toBe(0o600);
  expect((await fetch()).stdout).toBe("");
});

test("with --reload, a changed bundle reloads HAProxy; an unchanged one does not", async () => {
  root.fake("systemctl");
  list([`${web} ssm /exchange/tls/mail`]);
  expect((await fetch("--reload")).code).toBe(0);
  expect(root.calls("systemctl")).toEqual([
    "systemctl is-active --quiet haproxy",
    "systemctl reload haproxy",
  ]);
  root.clearCalls();
  expect((await fetch("--reload")).code).toBe(0);
  expect(root.calls("systemctl")).toEqual([]);
});

test("a value that is not a certificate and key is refused and not written", async () => {
  fakeAws("-----BEGIN CERTIFICATE-----only a certificate");
  list([`${web} ssm /exchange/tls/mail`]);
  const result = await fetch();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    "exchange-lb-certificates: /exchange/tls/mail is not a PEM bundle with a certificate and a private key",
  );
  expect(root.exists(web)).toBe(false);
  expect(root.exists(`${web}.new`)).toBe(false);
});

test("no IMDSv2 token: refused before any AWS call", async () => {
  list([`${web} ssm /exchange/tls/mail`]);
  // Nothing answers on the metadata address.
  const result = await root.run(PATHS.CERTIFICATES_PROGRAM, [], { metadata: "none" });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("no IMDSv2 token");
  expect(root.calls()).toEqual([]);
});

test("an empty list does nothing, without asking IMDS or AWS", async () => {
  list([]);
  expect(await fetch()).toEqual({ code: 0, stdout: "", stderr: "" });
  expect(root.calls()).toEqual([]);
});

/** `aws` answers AccessDenied `failures` times (the role's policy not visible yet), then the bundle. */
function fakeAwsFailingFirst(failures: number): void {
  root.write("aws-failures", String(failures));
  root.fake(
    "aws",
    `left=$(cat "${root.path("aws-failures")}"); if [ "$left" -gt 0 ]; then echo $((left - 1)) > "${root.path("aws-failures")}"; ` +
      `echo 'An error occurred (AccessDeniedException) when calling the GetParameter operation: not authorized' >&2; exit 254; fi\n` +
      `printf '%s\\n' '${BUNDLE}'\n`,
  );
}

test("a fetch refused while the role's policy propagates is tried again with backoff, each attempt logged", async () => {
  fakeAwsFailingFirst(2);
  list([`${web} ssm /exchange/tls/mail`]);
  const result = await fetch();
  expect(result.code).toBe(0);
  expect(result.stdout).toBe("changed\n");
  expect(root.calls("aws")).toHaveLength(3);
  expect(result.stderr).toContain(
    "exchange-lb-certificates: could not read SSM parameter /exchange/tls/mail (attempt 1 of 6), next in 1 s",
  );
  expect(result.stderr).toContain("(attempt 2 of 6), next in 1 s");
  expect(root.read(web)).toBe(`${BUNDLE}\n`);
});

test("a fetch that keeps failing is given up after the bounded number of attempts", async () => {
  root.install([baseInstancePart({ maxconn: 100 }), quickRetries(3)]);
  fakeAwsFailingFirst(99);
  list([`${web} ssm /exchange/tls/mail`]);
  const result = await fetch();
  expect(result.code).toBe(1);
  expect(root.calls("aws")).toHaveLength(3);
  expect(result.stderr).toContain(
    "exchange-lb-certificates: could not read SSM parameter /exchange/tls/mail: gave up after 3 attempts",
  );
  expect(root.exists(web)).toBe(false);
});

test("the default backoff is bounded: 2 s doubling to 32 s, 6 attempts, 62 s of waiting, under the rollout step's 120 s", () => {
  expect(CERTIFICATE_RETRY).toMatchObject({ firstSeconds: 2, maxSeconds: 32, attempts: 6 });
  let wait = 0;
  for (let i = 1, d = 2; i < 6; i++, d = Math.min(d * 2, 32)) wait += d;
  expect(wait).toBe(62);
});

test("a secret that cannot be read says which ARN the role may read, and that a partial one is denied", async () => {
  root.install([baseInstancePart({ maxconn: 100 }), quickRetries(1)]);
  fakeAwsFailingFirst(99);
  const secret = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:tls-2024ab";
  list([`${web} secretsmanager ${secret}`]);
  const result = await fetch();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    `exchange-lb-certificates: could not read secret ${secret}: gave up after 1 attempts (the role may read exactly this ARN: if the secret's name ends in "-" and 6 characters, give its full ARN with the suffix Secrets Manager added)`,
  );
});

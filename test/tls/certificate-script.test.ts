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
import { certificatesPart } from "../../lib/tls/boot";
import { InstanceRoot, NODE_METADATA } from "../support/instance-root";

const BUNDLE =
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
const METADATA = NODE_METADATA;
let root: InstanceRoot;

beforeEach(() => {
  root = new InstanceRoot();
  root.install([baseInstancePart({ maxconn: 100 }), certificatesPart()]);
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
  expect(root.calls("systemctl")).toEqual(["systemctl reload haproxy"]);
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

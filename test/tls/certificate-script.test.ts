/**
 * The certificate fetch script run by /bin/sh against a fake `aws` on PATH
 * that records its arguments and prints a bundle, and a fake IMDSv2: the calls
 * per store, root-only files, refusal of anything that is not a PEM bundle,
 * and "changed" only when a file changed.
 */
import { execFile, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CERTIFICATE_SCRIPT_TEXT } from "../../lib/tls/certificate-script";

const BUNDLE =
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
let imds: Server;
let imdsUrl: string;
let dir: string;

beforeAll(async () => {
  imds = createServer((req, res) => {
    if (req.method === "PUT") return void res.end("tok");
    if (req.headers["x-aws-ec2-metadata-token"] !== "tok") return void res.writeHead(401).end();
    if (req.url === "/latest/meta-data/placement/region") return void res.end("eu-west-2");
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => imds.close(() => resolve())));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "exchange-lb-certs-"));
  spawnSync("mkdir", ["-p", join(dir, "bin")]);
  writeFileSync(join(dir, "script.sh"), CERTIFICATE_SCRIPT_TEXT, { mode: 0o755 });
  fakeAws(BUNDLE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeAws(output: string): void {
  const file = join(dir, "bin", "aws");
  writeFileSync(
    file,
    `#!/bin/sh\necho "aws $*" >> "${dir}/calls.log"\nprintf '%s\\n' '${output}'\n`,
  );
  chmodSync(file, 0o755);
}

function list(lines: string[]): void {
  writeFileSync(join(dir, "certificates"), lines.map((l) => `${l}\n`).join(""));
}

function fetch(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      join(dir, "script.sh"),
      [],
      {
        env: {
          PATH: `${dir}/bin:/usr/bin:/bin`,
          EXCHANGE_LB_CERTIFICATES: join(dir, "certificates"),
          EXCHANGE_LB_IMDS: imdsUrl,
        },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    ),
  );
}

const calls = () => readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n");

test("fetches each bundle from its store in the instance's region, root-only, and says changed once", async () => {
  const secret = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:tls-AbC";
  list([
    `${dir}/certs/Web.pem ssm /exchange/tls/mail`,
    `${dir}/certs/Other.pem secretsmanager ${secret}`,
  ]);
  const first = await fetch();
  expect(first).toEqual({ code: 0, stdout: "changed\n", stderr: "" });
  expect(calls()).toEqual([
    "aws ssm get-parameter --region eu-west-2 --name /exchange/tls/mail --with-decryption --query Parameter.Value --output text",
    `aws secretsmanager get-secret-value --region eu-west-2 --secret-id ${secret} --query SecretString --output text`,
  ]);
  expect(readFileSync(join(dir, "certs/Web.pem"), "utf8")).toBe(`${BUNDLE}\n`);
  expect(statSync(join(dir, "certs/Web.pem")).mode & 0o777).toBe(0o600);
  expect((await fetch()).stdout).toBe("");
});

test("a value that is not a certificate and key is refused and not written", async () => {
  fakeAws("-----BEGIN CERTIFICATE-----only a certificate");
  list([`${dir}/certs/Web.pem ssm /exchange/tls/mail`]);
  const result = await fetch();
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    "/exchange/tls/mail is not a PEM bundle with a certificate and a private key",
  );
  expect(existsSync(join(dir, "certs/Web.pem"))).toBe(false);
  expect(existsSync(join(dir, "certs/Web.pem.new"))).toBe(false);
});

test("an empty list does nothing, without asking IMDS or AWS", async () => {
  list([]);
  expect(await fetch()).toEqual({ code: 0, stdout: "", stderr: "" });
  expect(existsSync(join(dir, "calls.log"))).toBe(false);
});

test("passes shellcheck", () => {
  const result = spawnSync("shellcheck", ["-s", "sh", join(dir, "script.sh")], {
    encoding: "utf8",
  });
  expect(result.stdout).toBe("");
  expect(result.status).toBe(0);
});

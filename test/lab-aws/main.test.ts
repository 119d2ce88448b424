/**
 * The stand-in as a separate process, as the VM lab runs it: started from a
 * config file naming the synthesized stack, it knows the stack's instance role;
 * credentials come from its control endpoint (as an IMDS stand-in would fetch
 * them), the real AWS CLI's call is logged to the JSON-lines file and its network
 * change to the changes file, a role's policies can be replaced at run time, and
 * the process stops by itself after maxMs.
 */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endpointNames, makeCertificates } from "../../lab/aws/certificates";
import type { ImdsCredentials } from "../../lab/aws/credentials";
import type { StandInConfig } from "../../lab/aws/main";
import { LAB, aws } from "../support/aws-stand-in";

const ROOT = join(__dirname, "..", "..");
const ROLE = "exchange-lb-Lb_InstanceRole_3E378F96";
const dir = mkdtempSync(join(tmpdir(), "lab-aws-main-"));
const tls = makeCertificates(endpointNames(LAB.region));
const MAX_MS = 12_000;

let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  for (const path of [dir, tls.dir]) rmSync(path, { recursive: true, force: true });
});

function start(config: StandInConfig): Promise<{ port: number; control: number }> {
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config));
  child = spawn(join(ROOT, "node_modules", ".bin", "ts-node"), ["lab/aws/main.ts", file], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child!.stdout!.on("data", (data: Buffer) => {
      const m = /listening (\d+) control (\d+)/.exec(data.toString());
      if (m) resolve({ port: Number(m[1]), control: Number(m[2]) });
    });
    child!.once("exit", (code) => reject(new Error(`exited with ${code}`)));
  });
}

const control = async (port: number, method: string, path: string, body?: unknown) => {
  const answer = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(await answer.text());
  return answer.json();
};

test("from a config file: the stack's role, credentials from the control endpoint, calls and changes logged, a bounded life", async () => {
  const started = Date.now();
  const ports = await start({
    listen: { host: "127.0.0.1", port: 0 },
    tls,
    lab: LAB,
    stack: join(ROOT, "test", "golden", "exchange-se-pair", "cdk.tf.json"),
    network: {
      interfaces: [
        { id: "eni-lab0a000105", instanceId: "i-lab0a000105", privateIps: ["10.0.1.5"] },
      ],
      routeTables: [{ id: "rtb-0bbb2222" }],
    },
    log: join(dir, "calls.jsonl"),
    changes: join(dir, "changes.jsonl"),
    maxMs: MAX_MS,
  });
  expect(await control(ports.control, "GET", "/roles")).toEqual([ROLE]);
  const credentials = (await control(ports.control, "POST", "/credentials", {
    instanceId: "i-lab0a000105",
    roleName: ROLE,
  })) as ImdsCredentials;
  expect(credentials).toMatchObject({ Code: "Success", Type: "AWS-HMAC" });
  expect(credentials.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
  const running = {
    standIn: undefined as never,
    tls,
    endpoint: `https://127.0.0.1:${ports.port}`,
    home: dir,
  };
  const create = [
    "ec2",
    "create-route",
    "--route-table-id",
    "rtb-0bbb2222",
    "--destination-cidr-block",
    "10.100.0.10/32",
    "--network-interface-id",
    "eni-lab0a000105",
  ];
  expect((await aws(running, credentials, create)).code).toBe(0);
  // A rollout that drops the failover policy: the same key is refused from then on.
  await control(ports.control, "PUT", `/roles/${ROLE}`, [{ Statement: [] }]);
  const refused = await aws(running, credentials, create);
  expect(refused.stderr).toContain("(UnauthorizedOperation)");

  const log = readFileSync(join(dir, "calls.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(log.map((c) => [c.action, c.decision, c.caller.roleName])).toEqual([
    ["ec2:CreateRoute", "allow", ROLE],
    ["ec2:CreateRoute", "implicit-deny", ROLE],
  ]);
  expect(JSON.parse(readFileSync(join(dir, "changes.jsonl"), "utf8"))).toMatchObject({
    kind: "route",
    routeTableId: "rtb-0bbb2222",
    networkInterfaceId: "eni-lab0a000105",
  });
  const code = await new Promise((resolve) => child!.once("exit", resolve));
  expect(code).toBe(0);
  expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_MS - 1000);
}, 40_000);

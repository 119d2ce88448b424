/**
 * The boot lab's IMDS stand-in (lab/tools/imds.js) says no where EC2's IMDSv2 does: a
 * request without a token, with another instance's token or an expired one; a token
 * PUT without a TTL or through a proxy (X-Forwarded-For). It serves each instance its
 * own metadata by source address, the role's credentials, and the user-data bytes
 * exactly as synthesized, and the addresses as the AWS stand-in last assigned them. Run on loopback: 127.0.0.1 and 127.0.0.2 are two instances.
 */
import { ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { imdsNode } from "../../lab/vm/instances";

const dir = mkdtempSync(join(tmpdir(), "lab-imds-"));
const PORT = 39180;
const userData = gzipSync("#cloud-config\npackages: [haproxy]\n");
const instance = (address: string, name: "lb" | "lb2") => ({
  name,
  instanceId: `i-0${name}`,
  eniId: `eni-0${name}`,
  mac: name === "lb" ? "0a:00:00:00:00:01" : "0a:00:00:00:00:02",
  localIpv4s: name === "lb" ? [address, "192.168.30.10"] : [address],
  hostname: `ip-${name}`,
  instanceType: "t3.small",
  hopLimit: 1,
  userDataBase64: userData.toString("base64"),
});
const credentials = {
  LastUpdated: "2026-11-30T10:00:00Z",
  AccessKeyId: "ASIALAB",
  SecretAccessKey: "secret",
  Token: "session",
  Expiration: "2026-11-30T16:00:00Z",
};
const changes = join(dir, "aws-changes.jsonl");
let child: ChildProcess;

beforeAll(async () => {
  const config = join(dir, "imds.json");
  const nodes = [
    imdsNode(instance("127.0.0.1", "lb"), {
      name: "exchange-lb-role",
      credentials,
      instanceProfileArn: "arn:aws:iam::111122223333:instance-profile/p",
      instanceProfileId: "AIPALAB",
    }),
    imdsNode(instance("127.0.0.2", "lb2")),
  ];
  writeFileSync(
    config,
    JSON.stringify({ listen: "127.0.0.1", port: PORT, maxMs: 30_000, nodes, changes }),
  );
  child = spawn(process.execPath, [join(__dirname, "../../lab/tools/imds.js"), config], {
    stdio: "ignore",
  });
  for (let i = 0; i < 50 && (await call("GET", "/", { from: "127.0.0.1" })).status === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(() => {
  child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function call(
  method: string,
  path: string,
  options: { from: string; headers?: Record<string, string> },
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: PORT,
        method,
        path,
        localAddress: options.from,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", () => resolve({ status: 0, body: Buffer.alloc(0) }));
    req.end();
  });
}

async function token(from: string, ttl = "60"): Promise<string> {
  const answer = await call("PUT", "/latest/api/token", {
    from,
    headers: { "X-aws-ec2-metadata-token-ttl-seconds": ttl },
  });
  expect(answer.status).toBe(200);
  return answer.body.toString();
}

const get = (path: string, from: string, t?: string) =>
  call("GET", path, { from, headers: t ? { "X-aws-ec2-metadata-token": t } : {} });

test("a request without a token is refused (401), with one it is served", async () => {
  expect((await get("/latest/meta-data/instance-id", "127.0.0.1")).status).toBe(401);
  const answer = await get("/latest/meta-data/instance-id", "127.0.0.1", await token("127.0.0.1"));
  expect(answer.body.toString()).toBe("i-0lb");
});

test("another instance's token is refused; each instance gets its own metadata", async () => {
  const lbToken = await token("127.0.0.1");
  expect((await get("/latest/meta-data/instance-id", "127.0.0.2", lbToken)).status).toBe(401);
  const own = await get("/latest/meta-data/instance-id", "127.0.0.2", await token("127.0.0.2"));
  expect(own.body.toString()).toBe("i-0lb2");
});

test("a token expires after its TTL", async () => {
  const t = await token("127.0.0.1", "1");
  await new Promise((r) => setTimeout(r, 1100));
  expect((await get("/latest/meta-data/instance-id", "127.0.0.1", t)).status).toBe(401);
});

test("a token PUT without a valid TTL, or through a proxy, is refused", async () => {
  expect((await call("PUT", "/latest/api/token", { from: "127.0.0.1" })).status).toBe(400);
  const proxied = await call("PUT", "/latest/api/token", {
    from: "127.0.0.1",
    headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "10.0.0.9" },
  });
  expect(proxied.status).toBe(403);
});

test("the user-data bytes exactly as synthesized (gzip here), and the addresses with the secondary", async () => {
  const t = await token("127.0.0.1");
  expect((await get("/latest/user-data", "127.0.0.1", t)).body.equals(userData)).toBe(true);
  const ips = await get(
    "/latest/meta-data/network/interfaces/macs/0a:00:00:00:00:01/local-ipv4s",
    "127.0.0.1",
    t,
  );
  expect(ips.body.toString()).toBe("127.0.0.1\n192.168.30.10");
  expect((await get("/2021-03-23/meta-data/placement/", "127.0.0.1", t)).body.toString()).toBe(
    "availability-zone\navailability-zone-id\nregion",
  );
});

test("the role's credentials for the instance with a role; none (404) without", async () => {
  const t = await token("127.0.0.1");
  const listed = await get("/latest/meta-data/iam/security-credentials/", "127.0.0.1", t);
  expect(listed.body.toString()).toBe("exchange-lb-role");
  const served = JSON.parse(
    (
      await get("/latest/meta-data/iam/security-credentials/exchange-lb-role", "127.0.0.1", t)
    ).body.toString(),
  );
  expect(served).toEqual({ Code: "Success", Type: "AWS-HMAC", ...credentials });
  const other = await token("127.0.0.2");
  expect(
    (await get("/latest/meta-data/iam/security-credentials/", "127.0.0.2", other)).status,
  ).toBe(404);
});

test("an address the AWS stand-in reassigned leaves the old interface's local-ipv4s and joins the new one's", async () => {
  const ips = async (from: string, mac: string) =>
    (
      await get(
        `/latest/meta-data/network/interfaces/macs/${mac}/local-ipv4s`,
        from,
        await token(from),
      )
    ).body.toString();
  writeFileSync(
    changes,
    JSON.stringify({
      kind: "private-ip",
      address: "192.168.30.10",
      networkInterfaceId: "eni-0lb2",
      instanceId: "i-0lb2",
      previousNetworkInterfaceId: "eni-0lb",
    }) + "\n",
  );
  for (let i = 0; i < 50 && (await ips("127.0.0.2", "0a:00:00:00:00:02")) === "127.0.0.2"; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await ips("127.0.0.2", "0a:00:00:00:00:02")).toBe("127.0.0.2\n192.168.30.10");
  expect(await ips("127.0.0.1", "0a:00:00:00:00:01")).toBe("127.0.0.1");
});

test("an Elastic IP the AWS stand-in associated shows in the new interface's ipv4-associations only", async () => {
  const list = async (from: string, mac: string) => {
    const t = await token(from);
    return get(`/latest/meta-data/network/interfaces/macs/${mac}/ipv4-associations/`, from, t);
  };
  const association = (eni: string, privateIp: string) =>
    JSON.stringify({
      kind: "elastic-ip",
      allocationId: "eipalloc-0lab",
      publicIp: "203.0.113.10",
      networkInterfaceId: eni,
      privateIp,
      instanceId: `i-0${eni.slice(5)}`,
    }) + "\n";
  appendFileSync(changes, association("eni-0lb", "127.0.0.1"));
  for (let i = 0; i < 50 && (await list("127.0.0.1", "0a:00:00:00:00:01")).status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await list("127.0.0.1", "0a:00:00:00:00:01")).body.toString()).toBe("203.0.113.10");
  expect((await list("127.0.0.2", "0a:00:00:00:00:02")).status).toBe(404);
  appendFileSync(changes, association("eni-0lb2", "127.0.0.2"));
  for (let i = 0; i < 50 && (await list("127.0.0.2", "0a:00:00:00:00:02")).status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await list("127.0.0.2", "0a:00:00:00:00:02")).body.toString()).toBe("203.0.113.10");
  expect((await list("127.0.0.1", "0a:00:00:00:00:01")).status).toBe(404);
});

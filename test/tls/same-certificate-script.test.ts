/**
 * The same-certificate program run by /bin/sh, installed under a temporary
 * root as a node's user-data installs it, in a network namespace of its own
 * where real `openssl s_server`s stand for Exchange servers: one presents the
 * load balancer's certificate only to the VIP's SNI, one another certificate
 * with the same subject, one address refuses, one accepts TCP and never
 * answers. Fingerprints are checked against node's own X509 parser.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseInstancePart } from "../../lib/instance/base";
import { PATHS, STAGED, certificatePath } from "../../lib/instance/paths";
import { certificatesPart } from "../../lib/tls/boot";
import { BridgedServer, renderBridgeServerList } from "../../lib/tls/bridge-server-list";
import { selfSignedCertificate } from "../../lab/servers";
import { InstanceRoot } from "../support/instance-root";

const SNI = "mail.example.com";
const WRAPPER = "/test/with-servers";
let keys: string;
let root: InstanceRoot;

/** A self-signed certificate and its key, `cert.pem` and `key.pem` in `keys/<name>`. */
const certificate = (name: string) => selfSignedCertificate(join(keys, name), SNI);
const pem = (name: string) => readFileSync(join(keys, name, "cert.pem"), "utf8");
const fingerprint = (name: string) => new X509Certificate(pem(name)).fingerprint256;

beforeAll(() => {
  keys = mkdtempSync(join(tmpdir(), "exchange-lb-keys-"));
  certificate("exchange");
  // Another key under the same name: only the fingerprint tells them apart.
  certificate("other");
});
afterAll(() => rmSync(keys, { recursive: true, force: true }));

beforeEach(() => {
  root = new InstanceRoot();
  root.install([baseInstancePart({ maxconn: 100 }), certificatesPart()]);
  // A shorter bound than the node's, read from the settings file like every value.
  const settings = root.read(PATHS.SETTINGS);
  expect(settings).toMatch(/^SAME_CERTIFICATE_TIMEOUT="\d+"$/m);
  root.write(
    PATHS.SETTINGS,
    settings.replace(/^SAME_CERTIFICATE_TIMEOUT=.*$/m, 'SAME_CERTIFICATE_TIMEOUT="2"'),
  );
  // The VIP's bundle as the certificates program leaves it: the certificate, then the key.
  root.write(
    certificatePath("Web"),
    pem("exchange") + readFileSync(join(keys, "exchange", "key.pem"), "utf8"),
    0o600,
  );
  root.write(WRAPPER, withServers(), 0o755);
});
afterEach(() => root.remove());

/**
 * Starts the servers in the namespace, waits until they listen, runs the
 * program with the wrapper's arguments and stops them. CAS1 presents the
 * Exchange certificate only to SNI mail.example.com, another one otherwise.
 */
function withServers(): string {
  const server = (address: string, args: string) =>
    `timeout 60 openssl s_server -quiet -www -accept ${address}:443 ${args} </dev/null >/dev/null 2>&1 & pids="$pids $!"`;
  const k = (name: string) =>
    `-cert ${join(keys, name, "cert.pem")} -key ${join(keys, name, "key.pem")}`;
  return [
    "#!/bin/sh",
    "set -e",
    "for a in 10.0.1.10 10.0.1.11 10.0.1.12 10.0.1.13; do ip address add $a/32 dev lo; done",
    'pids=""',
    server(
      "10.0.1.10",
      `${k("other")} -servername ${SNI} -cert2 ${join(keys, "exchange", "cert.pem")} -key2 ${join(keys, "exchange", "key.pem")}`,
    ),
    server("10.0.1.11", k("other")),
    `timeout 60 ${process.execPath} -e 'require("net").createServer(() => {}).listen(443, "10.0.1.13")' & pids="$pids $!"`,
    "trap 'kill $pids' EXIT",
    'i=0; until [ "$(ss -Hltn "sport = :443" | wc -l)" -eq 3 ]; do i=$((i + 1)); [ $i -lt 200 ]; sleep 0.05; done',
    "set +e",
    `"$EXCHANGE_LB_ROOT${PATHS.SAME_CERTIFICATE_PROGRAM}" "$@"`,
    "",
  ].join("\n");
}

function servers(required: boolean, names: readonly string[]): BridgedServer[] {
  const addresses: Record<string, string> = {
    CAS1: "10.0.1.10",
    CAS2: "10.0.1.11",
    CAS3: "10.0.1.12",
    CAS4: "10.0.1.13",
  };
  return names.map((server) => ({
    vip: "Web",
    required,
    bundle: certificatePath("Web"),
    sni: SNI,
    server,
    address: addresses[server],
    port: 443,
  }));
}

const check = (...args: string[]) => root.run(WRAPPER, args, { metadata: "none", timeout: 30_000 });
const PROGRAM = "exchange-lb-same-certificate";

test("each server is compared by fingerprint with the SNI of the VIP; a different one and an unreachable one are reported apart", async () => {
  root.write(
    PATHS.BRIDGE_SERVERS,
    renderBridgeServerList(servers(false, ["CAS1", "CAS2", "CAS3", "CAS4"])),
  );
  const started = Date.now();
  const result = await check();
  const seconds = (Date.now() - started) / 1000;
  expect(result.code).toBe(0);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toEqual([
    `${PROGRAM}: VIP Web: CAS1 10.0.1.10:443 presents the load balancer's certificate (SHA256 ${fingerprint("exchange")})`,
    `${PROGRAM}: VIP Web: CAS2 10.0.1.11:443 presents another certificate than the load balancer: ` +
      `CAS2 SHA256 ${fingerprint("other")} subject CN=${SNI}; ` +
      `${certificatePath("Web")} SHA256 ${fingerprint("exchange")} subject CN=${SNI}. ` +
      "Extended Protection fails through this bridge: give the VIP the certificate Exchange presents (or Exchange the VIP's)",
    `${PROGRAM}: VIP Web: CAS3 10.0.1.12:443 is unreachable (no TLS handshake with SNI ${SNI} within 2 s); not compared`,
    `${PROGRAM}: VIP Web: CAS4 10.0.1.13:443 is unreachable (no TLS handshake with SNI ${SNI} within 2 s); not compared`,
  ]);
  // The silent server holds the program for the bound only.
  expect(seconds).toBeLessThan(8);
});

test("a rollout: a different certificate where the VIP requires the same fails it and keeps the node's list", async () => {
  const before = renderBridgeServerList(servers(true, ["CAS1"]));
  root.write(PATHS.BRIDGE_SERVERS, before);
  const stage = "/stage";
  root.write(
    `${stage}/${STAGED.STAGED_BRIDGE_SERVERS}`,
    renderBridgeServerList(servers(true, ["CAS1", "CAS2"])),
  );
  const result = await check(root.path(stage));
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("VIP Web: CAS2 10.0.1.11:443 presents another certificate");
  expect(result.stderr).toContain(
    `${PROGRAM}: VIP Web requires the same certificate as Exchange (requireSameCertificate): the rollout is refused`,
  );
  expect(root.read(PATHS.BRIDGE_SERVERS)).toBe(before);
});

test("a rollout: the same certificate, or a difference only reported, or an unreachable server passes and installs the list", async () => {
  const stage = "/stage";
  for (const list of [
    [...servers(true, ["CAS1", "CAS3"])],
    [...servers(false, ["CAS1", "CAS2"])],
  ]) {
    root.write(`${stage}/${STAGED.STAGED_BRIDGE_SERVERS}`, renderBridgeServerList(list));
    const result = await check(root.path(stage));
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("refused");
    expect(root.read(PATHS.BRIDGE_SERVERS)).toBe(renderBridgeServerList(list));
  }
});

test("a VIP whose bundle is not there yet is reported, not compared", async () => {
  rmSync(root.path(certificatePath("Web")));
  root.write(PATHS.BRIDGE_SERVERS, renderBridgeServerList(servers(true, ["CAS2"])));
  const result = await check();
  expect(result.code).toBe(0);
  expect(result.stderr.trim()).toBe(
    `${PROGRAM}: VIP Web: no certificate at ${certificatePath("Web")} yet; CAS2 not compared`,
  );
});

test("no bridge-mode VIP: nothing to compare, nothing said", async () => {
  root.write(PATHS.BRIDGE_SERVERS, "");
  expect(await check()).toEqual({ code: 0, stdout: "", stderr: "" });
});

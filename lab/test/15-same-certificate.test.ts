/**
 * Bridge mode and Extended Protection: each node compares the certificate each
 * Exchange server presents (nginx here, asked with SNI mail.lab.test) with the
 * VIP's bundle, as the boot, the daily fetch and each rollout run it. The same
 * certificate passes; a server with another one (same name, another key) is
 * reported with both fingerprints, and with requireSameCertificate the rollout
 * is refused while the old config keeps serving.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CasHttpsVipProps, CasHttpsVip, TlsCertificate } from "../../lib";
import { PATHS, SYSTEM_PATH, certificatePath } from "../../lib/instance/paths";
import { serverStats, waitFor } from "../haproxy";
import { LB_NODES, inNode, nodePath } from "../node";
import { runConfigDocument } from "../pair";
import { releasePath } from "../release";
import { LAB_DIR, selfSignedCertificate, serveWebCertificate, serverHost } from "../servers";
import { lab2013, synthesize } from "../stacks";
import { report, runStack } from "./support";

const node = LB_NODES.lb;
const cas1 = serverHost("cas1");
const cas2 = serverHost("cas2");
const LAB_TLS = { cert: join(LAB_DIR, "tls", "cert.pem"), key: join(LAB_DIR, "tls", "key.pem") };
const bundle = certificatePath("CasHttps");
const fingerprint = (file: string) => new X509Certificate(readFileSync(file)).fingerprint256;

function web(props: CasHttpsVipProps = {}) {
  return lab2013(
    (lb) =>
      new CasHttpsVip(lb, "CasHttps", {
        tls: "bridge",
        certificate: TlsCertificate.fromSsmParameter("/lab/tls/mail"),
        ...props,
      }),
  );
}

/** The comparison as the boot and the daily timer run it, with systemd's PATH. */
function compare(): string {
  const result = inNode(node, [
    "env",
    "-i",
    `PATH=${releasePath(SYSTEM_PATH)}`,
    PATHS.SAME_CERTIFICATE_PROGRAM,
  ]);
  return result.stderr;
}

/** CAS2 presents another certificate for mail.lab.test (another key), until the test ends. */
async function otherCertificateOnCas2(): Promise<string> {
  const other = selfSignedCertificate(join(LAB_DIR, "tls-other"), "mail.lab.test");
  serveWebCertificate(cas2, other);
  await waitFor(
    "CAS2 to present the other certificate",
    () => compare().includes("another"),
    10_000,
  );
  return other.cert;
}

/** Whether the running HAProxy has the MAPI backend, which only the old config publishes. */
async function servesMapi(): Promise<boolean> {
  return (await serverStats(node)).some((s) => s.backend === "CasHttps-MAPI" && s.status === "UP");
}

afterEach(() => serveWebCertificate(cas2, LAB_TLS));

test("the same certificate as Exchange passes; a server with another is reported with both, the rollout goes on", async () => {
  await runStack(web());
  const ours = fingerprint(nodePath(node, bundle));
  expect(ours).toBe(fingerprint(LAB_TLS.cert));
  const same = compare();
  for (const host of [cas1, cas2]) {
    expect(same).toContain(
      `VIP CasHttps: ${host.label} ${host.address}:443 presents the load balancer's certificate (SHA256 ${ours})`,
    );
  }
  expect(same).not.toContain("another certificate");

  const other = await otherCertificateOnCas2();
  const differs = compare();
  report("a server with another certificate", differs.trim().split("\n"));
  expect(differs).toContain(
    `VIP CasHttps: CAS2 ${cas2.address}:443 presents another certificate than the load balancer: ` +
      `CAS2 SHA256 ${fingerprint(other)} subject CN=mail.lab.test; ${bundle} SHA256 ${ours} subject CN=mail.lab.test. ` +
      "Extended Protection fails through this bridge",
  );
  expect(differs).toContain(
    `VIP CasHttps: CAS1 ${cas1.address}:443 presents the load balancer's certificate`,
  );
  // Without the opt-in, a rollout reports it in its output and applies.
  const fewer = synthesize(web({ services: ["OWA", "EWS"] }));
  const rollout = runConfigDocument(node, fewer.configDocument);
  expect(rollout.output).toContain(`CAS2 ${cas2.address}:443 presents another certificate`);
  expect(rollout.status).toBe(0);
  expect(readFileSync(nodePath(node, PATHS.HAPROXY_CONFIG), "utf8")).toBe(fewer.haproxyConfig);
});

test("requireSameCertificate: another certificate refuses the rollout and the old config keeps serving; the same applies it", async () => {
  const running = await runStack(web());
  await otherCertificateOnCas2();
  const strict = synthesize(web({ requireSameCertificate: true, services: ["OWA", "EWS"] }));
  const refused = runConfigDocument(node, strict.configDocument);
  report("rollout refused for another certificate", refused.output.trim().split("\n"));
  expect(refused.status).not.toBe(0);
  expect(refused.output).toContain(
    "VIP CasHttps requires the same certificate as Exchange (requireSameCertificate): the rollout is refused",
  );
  expect(refused.output).toContain("the running configuration is unchanged");
  expect(readFileSync(nodePath(node, PATHS.HAPROXY_CONFIG), "utf8")).toBe(running);
  // The old config keeps serving: MAPI still published.
  expect(await servesMapi()).toBe(true);

  serveWebCertificate(cas2, LAB_TLS);
  await waitFor(
    "CAS2 to present the lab certificate",
    () => !compare().includes("another"),
    10_000,
  );
  const applied = runConfigDocument(node, strict.configDocument);
  expect(applied.status).toBe(0);
  expect(readFileSync(nodePath(node, PATHS.HAPROXY_CONFIG), "utf8")).toBe(strict.haproxyConfig);
  await waitFor("MAPI unpublished", async () => !(await servesMapi()), 10_000);
});

/**
 * Boot lab scenario 5, the certificate part: IAM enforced on the certificate fetch at boot.
 * One instance of a stack whose HTTPS VIP terminates TLS (bridge) with its certificate from
 * Parameter Store (SecureString `/exchange/tls/mail`, the AWS managed key: the synthesized
 * role names no kms:Decrypt, and the stand-in asks for none). The stand-in holds the lab's
 * certificate and key; the role's policies lack the read (its `ReadCertificateParameters`
 * statement) from before the VM's first call. The real AWS CLI is refused in AWS's format,
 * the boot logs and retries, gives up and hands the retries to the certificates service, which
 * systemd restarts; restoring the policy (what `cdktf deploy` of the fixed policy does) lets
 * the next retry fetch the bundle and start HAProxy, which then serves that certificate.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { certificatePath } from "../../../lib/instance/paths";
import { CasHttpsVip, TlsCertificate } from "../../../lib";
import { connect, report, sleep } from "../../test/support";
import { labRelease } from "../../release";
import { LAB_DIR } from "../../servers";
import { inNs, sh } from "../../shell";
import { lab2013, synthesize } from "../../stacks";
import { HOSTS, VIP } from "../../topology";
import { BootLab, bootLabDown, bootLabUp, launch } from "../boot-lab";
import { guestSh, waitForAgent } from "../guest";
import { ACCOUNT } from "../instances";
import { AwsCall, awsCalls, waitUntil } from "../pair-vm";
import { Vm } from "../qemu";
import { StackRole, putRolePolicies, stackRole, withoutStatement } from "../role-variant";
import { VIP_PORTS, firstConnection } from "../vip-probes";
import { REGION } from "../vpc";

const { debian } = labRelease();
const PARAMETER = "/exchange/tls/mail";
const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${PARAMETER}`;
const SERVICE = "exchange-lb-certificates.service";
const HTTPS = VIP_PORTS.find((p) => p.port === 443)!;
let lab: BootLab;
let vm: Vm;
let role: StackRole;
let poweredOn: number;

type LoggedCall = AwsCall & {
  readonly authorizations: readonly { action: string; resources: string[]; decision: string }[];
};
const getParameterCalls = () =>
  (awsCalls(lab) as LoggedCall[]).filter((c) => c.action === "ssm:GetParameter");
const restarts = async () =>
  Number(await guestSh(vm, `systemctl show -p NRestarts --value ${SERVICE}`));

/** The certificate's subject and SHA-256 fingerprint, from PEM on stdin. */
const identity = (pem: string) =>
  sh(["openssl", "x509", "-noout", "-subject", "-fingerprint", "-sha256"], { input: pem }).stdout;

beforeAll(async () => {
  const stack = lab2013(
    (lb) =>
      new CasHttpsVip(lb, "CasHttps", {
        tls: "bridge",
        certificate: TlsCertificate.fromSsmParameter(PARAMETER),
      }),
  );
  lab = await bootLabUp(synthesize(stack), debian, { certificateParameters: [PARAMETER] });
  role = stackRole(lab);
  putRolePolicies(role.roleName, withoutStatement(role.policies, "ReadCertificateParameters"));
  poweredOn = Date.now();
  vm = launch(lab, "lb");
}, 600_000);

afterAll(() => bootLabDown());

describe(`Debian ${debian}: a certificate fetch the role may not make, then may`, () => {
  test("refused in AWS's format, logged, retried at boot and by the service systemd restarts; no HTTPS", async () => {
    await waitForAgent(vm, 300_000);
    // The boot's 6 attempts, then the service's run, failed and restarted by systemd.
    await waitUntil(`${SERVICE} restarted`, async () => (await restarts()) >= 1, 600_000);
    const calls = getParameterCalls();
    expect(calls.length).toBeGreaterThanOrEqual(7);
    for (const call of calls) {
      expect(call).toMatchObject({
        decision: "implicit-deny",
        status: 400,
        error: "AccessDeniedException",
        caller: { instanceId: lab.instances[0].instanceId, roleName: role.roleName },
      });
      expect(call.authorizations).toEqual([
        expect.objectContaining({ action: "ssm:GetParameter", resources: [PARAMETER_ARN] }),
      ]);
    }
    const refusal = `is not authorized to perform: ssm:GetParameter on resource: ${PARAMETER_ARN} because no identity-based policy allows the ssm:GetParameter action`;
    const boot = await guestSh(vm, "cat /var/log/cloud-init-output.log");
    expect(boot).toContain(`(AccessDeniedException) when calling the GetParameter operation`);
    expect(boot).toContain(refusal);
    expect(boot).toContain(
      `could not read SSM parameter ${PARAMETER} (attempt 1 of 6), next in 2 s`,
    );
    expect(boot).toContain(`could not read SSM parameter ${PARAMETER}: gave up after 6 attempts`);
    expect(boot).toContain(`HAProxy starts once the certificates are fetched: ${SERVICE}`);
    const journal = await guestSh(vm, `journalctl -u ${SERVICE} --no-pager`);
    expect(journal).toContain(refusal);
    expect(journal).toContain(`Scheduled restart job, restart counter is at 1`);
    expect(await guestSh(vm, "systemctl is-active haproxy || true")).not.toBe("active\n");
    expect(connect("client", 443, 1, HTTPS.options)[0].server).toBeFalsy();
    const first = Date.parse(calls[0].time);
    report(`IAM certificate, Debian ${debian}: denied before the policy was restored`, {
      deniedCalls: calls.length,
      action: "ssm:GetParameter",
      resource: PARAMETER_ARN,
      serviceRestarts: await restarts(),
      firstDenialAfterPowerOnS: Math.round((first - poweredOn) / 1000),
      lastDenialAfterFirstS: Math.round((Date.parse(calls[calls.length - 1].time) - first) / 1000),
    });
  });

  test("the policy restored: the next retry fetches the bundle, HAProxy starts and serves the store's certificate", async () => {
    const denied = getParameterCalls().length;
    const restored = Date.now();
    putRolePolicies(role.roleName, role.policies);
    const reached = await firstConnection(HTTPS, restored, 300_000);
    expect(reached.server).toMatch(HTTPS.servers);
    const after = getParameterCalls().slice(denied);
    expect(after.map((c) => c.decision)).toContain("allow");

    // The certificate the VIP presents is the one in the store (the lab's mail.lab.test).
    const served = inNs(HOSTS.client.ns, [
      "sh",
      "-c",
      `openssl s_client -connect ${VIP}:443 -servername mail.lab.test </dev/null 2>/dev/null`,
    ]).stdout;
    const stored = readFileSync(join(LAB_DIR, "tls", "cert.pem"), "utf8");
    expect(identity(served)).toBe(identity(stored));
    const bundle = certificatePath("CasHttps");
    expect(await guestSh(vm, `stat -c %a ${bundle}`)).toBe("600\n");
    expect(await guestSh(vm, "systemctl is-active haproxy")).toBe("active\n");
    await sleep(1000);
    report(`IAM certificate, Debian ${debian}: restored`, {
      secondsFromRestoreToHttps: Math.round(reached.afterMs / 100) / 10,
      deniedCalls: denied,
      callsAfterRestore: after.map((c) => c.decision),
      serviceRestarts: await restarts(),
      served: identity(served).trim().split("\n"),
    });
  });
});

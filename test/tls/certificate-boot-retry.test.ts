/**
 * A certificate fetch refused at first boot (the role's policy lacks the read,
 * or is not visible yet: IAM is eventually consistent) must not leave the
 * node without HAProxy until the daily timer: the boot hands the retries to
 * the certificates service, which systemd restarts on failure for a bounded
 * time, and whose first successful fetch starts HAProxy (a reload cannot start
 * a stopped HAProxy). The real program under a temporary root, with fakes for
 * `aws`, `systemctl` and the apply program.
 */
import { baseInstancePart } from "../../lib/instance/base";
import { PATHS, certificatePath, unitName } from "../../lib/instance/paths";
import { programText } from "../../lib/instance/programs";
import { CERTIFICATE_RETRY, certificatesPart } from "../../lib/tls/boot";
import { InstanceRoot, NODE_METADATA } from "../support/instance-root";

const BUNDLE =
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
const DENIED =
  "An error occurred (AccessDeniedException) when calling the GetParameter operation: User: arn:aws:sts::123456789012:assumed-role/r/i-1 is not authorized to perform: ssm:GetParameter";
const SERVICE = unitName(PATHS.CERTIFICATES_SERVICE);
const web = certificatePath("Web");
let root: InstanceRoot;

beforeEach(() => {
  root = new InstanceRoot();
  const part = certificatesPart();
  const values = { ...part.settings!.values, CERTIFICATE_ATTEMPTS: "1" };
  root.install([
    baseInstancePart({ maxconn: 100 }),
    { ...part, settings: { ...part.settings!, values } },
  ]);
  root.write(PATHS.CERTIFICATE_LIST, `${web} ssm /exchange/tls/mail\n`);
  root.fakeProgram(PATHS.APPLY_PROGRAM);
  root.fake("logger");
});
afterEach(() => root.remove());

const denied = () => root.fake("aws", `echo '${DENIED}' >&2\nexit 254\n`);
const allowed = () => root.fake("aws", `printf '%s\\n' '${BUNDLE}'\n`);
/** systemctl that says HAProxy is active or not (`is-active` exit 3: inactive or failed). */
const haproxy = (active: boolean) =>
  root.fake("systemctl", `case "$1" in is-active) exit ${active ? 0 : 3};; esac\n`);
const fetch = (mode: string) =>
  root.run(PATHS.CERTIFICATES_PROGRAM, [mode], { metadata: NODE_METADATA });

test("at boot, a refused fetch hands the retries to the certificates service and says so", async () => {
  denied();
  haproxy(false);
  const result = await fetch("--boot");
  expect(result.code).toBe(1);
  expect(root.calls("systemctl")).toEqual([`systemctl start --no-block ${SERVICE}`]);
  expect(result.stderr).toContain(
    `exchange-lb-certificates: HAProxy starts once the certificates are fetched: ${SERVICE} tries again every 60 s for up to ${CERTIFICATE_RETRY.retryForSeconds} s, then daily`,
  );
});

test("the service's first successful fetch starts the HAProxy the boot could not start", async () => {
  allowed();
  haproxy(false);
  const result = await fetch("--reload");
  expect(result).toMatchObject({ code: 0, stdout: "changed\n" });
  expect(root.calls("systemctl")).toEqual(["systemctl is-active --quiet haproxy"]);
  expect(root.calls("exchange-lb-apply")).toEqual(["exchange-lb-apply --boot"]);
  expect(root.read(web)).toBe(`${BUNDLE}\n`);
});

test("a running HAProxy is reloaded, not restarted", async () => {
  allowed();
  haproxy(true);
  expect((await fetch("--reload")).code).toBe(0);
  expect(root.calls("systemctl")).toEqual([
    "systemctl is-active --quiet haproxy",
    "systemctl reload haproxy",
  ]);
  expect(root.calls("exchange-lb-apply")).toEqual([]);
});

test("the service retries a refused fetch (exit 1) until the bound, then stops (exit 2) and leaves it to the daily timer", async () => {
  denied();
  haproxy(false);
  const first = await fetch("--reload");
  expect(first.code).toBe(1);
  const since = Number(root.read(PATHS.CERTIFICATE_RETRY_SINCE));
  expect(Math.abs(since - Date.now() / 1000)).toBeLessThan(30);
  expect((await fetch("--reload")).code).toBe(1);
  expect(Number(root.read(PATHS.CERTIFICATE_RETRY_SINCE))).toBe(since);

  root.write(PATHS.CERTIFICATE_RETRY_SINCE, String(since - CERTIFICATE_RETRY.retryForSeconds));
  const last = await fetch("--reload");
  expect(last.code).toBe(2);
  expect(last.stderr).toMatch(/gave up retrying after \d+ s; the daily timer tries again/);
  expect(root.exists(PATHS.CERTIFICATE_RETRY_SINCE)).toBe(false);

  allowed();
  expect((await fetch("--reload")).code).toBe(0);
  expect(root.exists(PATHS.CERTIFICATE_RETRY_SINCE)).toBe(false);
});

test("the unit restarts the program on failure, 60 s apart, but not once it gave up (exit 2)", () => {
  const unit = programText("certificatesService");
  expect(unit).toMatch(/^Restart=on-failure$/m);
  expect(unit).toMatch(/^RestartSec=60$/m);
  expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
  expect(CERTIFICATE_RETRY.retryForSeconds).toBe(3600);
});

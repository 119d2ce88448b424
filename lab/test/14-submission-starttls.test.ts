/**
 * Client submission on 587 (`SmtpVip` with `submission: true`): STARTTLS is
 * negotiated with the Exchange stand-in itself, through HAProxy in TCP mode, and
 * a client address stays on one server (source-IP persistence, 002 §5.4).
 */
import { SmtpVip } from "../../lib";
import { inNs } from "../shell";
import { lab2013 } from "../stacks";
import { HOSTS, VIP } from "../topology";
import { report, runStack } from "./support";

/** openssl from one client address: STARTTLS on 587, then EHLO over TLS; who answered. */
function submit(from: string): { server: string; tls: boolean; peer: string } {
  const out = inNs(
    HOSTS.client.ns,
    [
      "sh",
      "-c",
      `printf 'EHLO lab\\r\\nQUIT\\r\\n' | timeout 10 openssl s_client -starttls smtp -connect ${VIP}:587 -bind ${from}:0 -servername mail.lab.test -crlf -ign_eof 2>&1`,
    ],
    { allowFailure: true },
  ).stdout;
  return {
    server: /250-(cas\d)\.lab\.test/.exec(out)?.[1]?.toUpperCase() ?? "none",
    tls: /New, TLSv1\.[23]/.test(out),
    peer: /subject=([^\n]*)/.exec(out)?.[1] ?? "",
  };
}

test("587: STARTTLS end to end with the server's certificate; each client stays on one server", async () => {
  await runStack(
    lab2013((lb) => {
      new SmtpVip(lb, "Submission", { submission: true });
    }),
  );
  const clients = HOSTS.client.addresses.slice(0, 4);
  const seen = clients.map((from) => [from, [1, 2, 3].map(() => submit(from))] as const);
  report(
    "submission 587",
    Object.fromEntries(seen.map(([from, r]) => [from, r.map((x) => x.server)])),
  );
  for (const [, results] of seen) {
    expect(results.every((r) => r.tls && r.peer.includes("mail.lab.test"))).toBe(true);
    expect(new Set(results.map((r) => r.server)).size).toBe(1);
  }
  expect(new Set(seen.map(([, r]) => r[0].server))).toEqual(new Set(["CAS1", "CAS2"]));
});

/**
 * Scenario 6: log in and list the mailbox through the IMAP and POP3 VIPs with
 * a real client (curl), plain and TLS; with one Dovecot stopped, the other serves.
 */
import { dovecot, MAIL_PASSWORD, MAIL_USER, maildirMessages, serverHost } from "../servers";
import { serverStats, waitFor } from "../haproxy";
import { inNs } from "../shell";
import { lab2013 } from "../stacks";
import { HOSTS, VIP } from "../topology";
import { report, runStack } from "./support";

const cas1 = serverHost("cas1");

function curl(url: string): { status: number | null; output: string } {
  const r = inNs(
    HOSTS.client.ns,
    ["curl", "-sSk", "--max-time", "10", "-u", `${MAIL_USER}:${MAIL_PASSWORD}`, url],
    {
      allowFailure: true,
    },
  );
  return { status: r.status, output: r.stdout + r.stderr };
}

/** IMAP lists the folders; POP3 lists the messages ("1 520"): the mailbox holds at least one. */
const CLIENTS = [
  ["IMAP", `imap://${VIP}/`, /\* LIST \(.*\) "." INBOX/],
  ["IMAPS", `imaps://${VIP}/`, /\* LIST \(.*\) "." INBOX/],
  ["POP3", `pop3://${VIP}/`, /^(\d+ \d+\r?\n)+$/],
  ["POP3S", `pop3s://${VIP}/`, /^(\d+ \d+\r?\n)+$/],
] as const;

beforeAll(async () => {
  await runStack(lab2013());
  // One message in each server's mailbox, delivered to the server directly.
  for (const host of [cas1, serverHost("cas2")]) {
    inNs(HOSTS.smarthost.ns, [
      "swaks",
      "--server",
      host.address,
      "--from",
      "a@example.test",
      "--to",
      `${MAIL_USER}@lab.test`,
      "--timeout",
      "5",
    ]);
    await waitFor(
      `a message in ${host.label}'s mailbox`,
      () => maildirMessages(host).length > 0,
      10_000,
    );
  }
});

afterAll(async () => {
  dovecot(cas1, "start");
  await waitFor(
    "CAS1 back",
    async () => (await serverStats()).every((s) => s.status === "UP"),
    15_000,
  );
});

test.each(CLIENTS)("%s: log in and list the mailbox", (_name, url, listing) => {
  const result = curl(url);
  expect(result.status).toBe(0);
  expect(result.output).toMatch(listing);
});

test("with CAS1's Dovecot stopped, every login is served by CAS2", async () => {
  dovecot(cas1, "stop");
  // At once, before the health check notices: redispatch and retries carry the logins.
  const immediate = CLIENTS.flatMap(([name, url]) =>
    Array.from({ length: 5 }, () => ({ name, ...curl(url) })),
  );
  const downMs = await waitFor(
    "CAS1 DOWN for IMAP and POP3",
    async () =>
      (await serverStats())
        .filter((s) => s.server === "CAS1" && /Imap|Pop/.test(s.backend))
        .every((s) => s.status.startsWith("DOWN")),
    15_000,
  );
  const later = CLIENTS.flatMap(([name, url]) =>
    Array.from({ length: 5 }, () => ({ name, ...curl(url) })),
  );
  report("imap/pop with CAS1 Dovecot stopped", {
    immediateOk: immediate.filter((r) => r.status === 0).length,
    downMs,
    laterOk: later.filter((r) => r.status === 0).length,
    total: immediate.length + later.length,
  });
  for (const r of [...immediate, ...later])
    expect({ name: r.name, status: r.status }).toEqual({ name: r.name, status: 0 });
});

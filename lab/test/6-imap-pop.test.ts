/**
 * Scenario 6: log in and list the mailbox through the IMAP and POP3 VIPs with
 * a real client (curl), plain and TLS; with one Dovecot stopped, the other serves.
 */
import {
  dovecot,
  dovecotListening,
  MAIL_PASSWORD,
  MAIL_USER,
  maildirMessages,
  serverHost,
} from "../servers";
import { serverStats, setHealthCheck, waitFor } from "../haproxy";
import { inNs } from "../shell";
import { ImapVip, PopVip } from "../../lib";
import { lab2013 } from "../stacks";
import { HOSTS, VIP } from "../topology";
import { report, runStack } from "./support";

const cas1 = serverHost("cas1");

/** The backends whose CAS1 runs on Dovecot. */
const MAIL_BACKENDS = ["CasImap", "CasPop"];

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
  for (const backend of MAIL_BACKENDS) await setHealthCheck(backend, "CAS1", true);
  startDovecot();
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
  // Before the health check notices, redispatch and retries carry the logins.
  // Its checks are held off for that phase, so that CAS1 is not marked DOWN in
  // the middle of it: `on-marked-down shutdown-sessions` cuts a connection
  // that is being made to CAS1 at that moment.
  const cas1Mail = async () =>
    (await serverStats()).filter((s) => s.server === "CAS1" && MAIL_BACKENDS.includes(s.backend));
  const redispatched = async () => (await cas1Mail()).reduce((sum, s) => sum + s.redispatches, 0);
  for (const backend of MAIL_BACKENDS) await setHealthCheck(backend, "CAS1", false);
  const redispatchedBefore = await redispatched();
  dovecot(cas1, "stop");
  await waitFor(
    "CAS1's Dovecot to stop listening",
    () => dovecotListening(cas1).length === 0,
    5_000,
  );
  const attempt = ([name, url]: (typeof CLIENTS)[number]) => {
    const r = curl(url);
    // The error line, so that a failure says why (reset, TLS, timeout).
    return { name, status: r.status, error: r.status === 0 ? "" : r.output.trim() };
  };
  const immediate = CLIENTS.flatMap((client) => Array.from({ length: 5 }, () => attempt(client)));
  // Round robin sent some of them to CAS1 first: the redispatch path was taken.
  const movedFromCas1 = (await redispatched()) - redispatchedBefore;
  for (const backend of MAIL_BACKENDS) await setHealthCheck(backend, "CAS1", true);
  const downMs = await waitFor(
    "CAS1 DOWN for IMAP and POP3",
    async () => (await cas1Mail()).every((s) => s.status.startsWith("DOWN")),
    15_000,
  );
  const later = CLIENTS.flatMap((client) => Array.from({ length: 5 }, () => attempt(client)));
  report("imap/pop with CAS1 Dovecot stopped", {
    immediateOk: immediate.filter((r) => r.status === 0).length,
    movedFromCas1,
    downMs,
    laterOk: later.filter((r) => r.status === 0).length,
    total: immediate.length + later.length,
  });
  for (const r of [...immediate, ...later])
    expect(r).toEqual({ name: r.name, status: 0, error: "" });
  expect(movedFromCas1).toBeGreaterThan(0);
});

/** CAS1's Dovecot, unless it runs already (the scenario above stops it). */
function startDovecot(): void {
  if (dovecotListening(cas1).length === 0) dovecot(cas1, "start");
}

test("IMAPS and POP3S only (tlsOnly): the servers are checked over TLS, and logins work with 143 and 110 closed", async () => {
  startDovecot();
  await runStack(
    lab2013((lb) => {
      new ImapVip(lb, "CasImap", { tlsOnly: true });
      new PopVip(lb, "CasPop", { tlsOnly: true });
    }),
  );
  const stats = (await serverStats()).filter((s) => MAIL_BACKENDS.includes(s.backend));
  expect(stats.map((s) => s.status)).toEqual(["UP", "UP", "UP", "UP"]);
  const tls = CLIENTS.filter(([name]) => name.endsWith("S"));
  for (const [, url, listing] of tls) {
    const result = curl(url);
    expect(result.status).toBe(0);
    expect(result.output).toMatch(listing);
  }
  // The plain ports are not published: the VIP refuses them.
  for (const [name, url] of CLIENTS.filter(([n]) => !n.endsWith("S"))) {
    expect({ name, status: curl(url).status }).not.toEqual({ name, status: 0 });
  }
  await runStack(lab2013());
});

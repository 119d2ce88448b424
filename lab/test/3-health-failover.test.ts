/**
 * Scenario 3 (Exchange 2013): CAS1's /owa/healthcheck.htm answers 503, as
 * `Set-ServerComponentState ... -State Inactive` makes it (004 §12). Within
 * interval × fall (+1 s) CAS1 is out and new connections go to CAS2; back to
 * 200, CAS1 returns. A slow answer (an app pool recycling) never takes CAS1
 * out nor cuts its sessions; a CAS1 that stops answering is out within 5 s.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExchangeVersion } from "../../lib";
import { profileFor } from "../../lib/exchange/profiles";
import { serverStats, waitFor } from "../haproxy";
import { SLOW_RESPONDER_PORT, inactiveFlag, serverHost, slowFlag, startDetached } from "../servers";
import { inNs } from "../shell";
import { lab2013 } from "../stacks";
import { HeldEvent, connect, hold, report, runStack, sleep, tally } from "./support";

const profile = profileFor(ExchangeVersion.EXCHANGE_2013);
const interval = profile.checkInterval.value.toMilliseconds();
const cas1 = serverHost("cas1");
const flag = inactiveFlag(cas1, "owa");

async function cas1Status(): Promise<string> {
  const row = (await serverStats()).find((s) => s.backend === "CasHttps" && s.server === "CAS1");
  return row?.status ?? "missing";
}

beforeAll(async () => {
  await runStack(lab2013());
});

afterAll(() => rmSync(flag, { force: true }));

test("CAS1 leaves within interval × fall + 1 s, and returns when healthy again", async () => {
  writeFileSync(flag, "");
  const detectMs = await waitFor(
    "CAS1 DOWN",
    async () => (await cas1Status()).startsWith("DOWN"),
    20_000,
  );
  report("health failover detection ms", {
    detectMs,
    boundMs: interval * profile.checkFall.value + 1000,
  });
  expect(detectMs).toBeLessThanOrEqual(interval * profile.checkFall.value + 1000);

  const during = tally(connect("client", 443, 20, { tls: true, http: "/owa/" }));
  report("health failover connections while CAS1 is out", during);
  expect(during).toEqual({ CAS2: 20 });

  rmSync(flag);
  const returnMs = await waitFor("CAS1 UP", async () => (await cas1Status()) === "UP", 20_000);
  report("health failover return ms", {
    returnMs,
    boundMs: interval * profile.checkRise.value + 1000,
  });
  expect(returnMs).toBeLessThanOrEqual(interval * profile.checkRise.value + 1000);

  const after = tally(connect("client", 443, 20, { tls: true, http: "/owa/" }));
  expect(after).toEqual({ CAS1: 10, CAS2: 10 });
});

const SLOW_MS = 2500;
const SLOW_FOR_MS = 30_000;
const SLOW_RESPONDER = join(__dirname, "..", "tools", "slow-http.js");
const GET_OWA = "GET /owa/ HTTP/1.1\r\nHost: mail.lab.test\r\n\r\n";
/** A silent server: nothing in or out on 443 (not even nginx closing an idle connection). */
const SILENT_443 = [
  ["INPUT", "-p", "tcp", "--dport", "443", "-j", "DROP"],
  ["OUTPUT", "-p", "tcp", "--sport", "443", "-j", "DROP"],
];

/** A keep-alive HTTPS session through the VIP that landed on CAS1, asking at each of `probeAfterMs`. */
async function sessionOnCas1(
  probeAfterMs: readonly number[],
  maxMs: number,
): Promise<{ events: HeldEvent[]; done: Promise<HeldEvent[]>; opened: HeldEvent }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const session = hold("client", 443, { tls: true, probe: GET_OWA, probeAfterMs, maxMs });
    const opened = await session.opened;
    // Round robin: a session on CAS2 ends by itself (maxMs); the next lands on CAS1.
    if (opened.first?.includes("X-Exchange-Server: CAS1")) return { ...session, opened };
  }
  throw new Error("no session reached CAS1 in 4 tries");
}

/** TCP keepalive to the servers: a dead server's idle session ends after 1 min + 3 x 10 s. */
const KEEPALIVE_MS = 90_000;

test("a healthcheck.htm answering in 2.5 s for 30 s never takes CAS1 out and its session survives; then CAS1 goes silent: out within 5 s, its idle sessions ended by TCP keepalive in about 90 s", async () => {
  await runStack(lab2013());
  const log = join(cas1.dir, "slow-http.log");
  writeFileSync(log, "");
  const pid = startDetached(
    cas1.ns,
    [process.execPath, SLOW_RESPONDER, String(SLOW_RESPONDER_PORT), String(SLOW_MS), "CAS1"],
    log,
  );
  const slow = slowFlag(cas1, "owa");
  try {
    await sleep(300);
    const session = await sessionOnCas1([50, SLOW_FOR_MS + 3000], SLOW_FOR_MS + 8000);
    writeFileSync(slow, "");
    const seen = new Set<string>();
    const until = Date.now() + SLOW_FOR_MS;
    while (Date.now() < until) {
      seen.add(await cas1Status());
      await sleep(250);
    }
    rmSync(slow);
    const answered = await waitFor(
      "the session's second answer",
      async () => session.events.length >= 2,
      SLOW_FOR_MS,
    );
    const second = session.events[1];
    const slowAnswers = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    report("slow health check", {
      slowMs: SLOW_MS,
      forMs: SLOW_FOR_MS,
      cas1Statuses: [...seen],
      slowAnswersServed: slowAnswers,
      sessionSecondAnswer: second.event === "data" ? second.text?.split("\r\n")[0] : second.event,
      waitedMs: answered,
    });
    expect(slowAnswers).toBeGreaterThan(5);
    expect([...seen]).toEqual(["UP"]);
    expect(second.event).toBe("data");
    expect(second.text).toMatch(/^HTTP\/1\.1 200[\s\S]*X-Exchange-Server: CAS1/);

    // An idle session on CAS1 (an ActiveSync Ping waiting), then CAS1 stops answering: its
    // packets are dropped, as a server powered off in a VPC.
    const idle = await sessionOnCas1([50], KEEPALIVE_MS + 30_000);
    for (const rule of SILENT_443) inNs(cas1.ns, ["iptables", "-I", ...rule]);
    const outMs = await waitFor(
      "CAS1 DOWN",
      async () => (await cas1Status()).startsWith("DOWN"),
      20_000,
    );
    report("a silent CAS1 is out after (ms)", { outMs, boundMs: 5000 });
    expect(outMs).toBeLessThanOrEqual(5000);
    // HTTPS keeps its sessions when a server is marked down; TCP keepalive ends a dead one's.
    const closed = (await idle.done).find((e) => e.event === "closed");
    const idleMs = closed ? closed.t - idle.opened.t : null;
    report("an idle session on the silent CAS1 ended after (ms of idleness)", {
      idleMs,
      expectedMs: KEEPALIVE_MS,
    });
    expect(idleMs).toBeGreaterThan(KEEPALIVE_MS - 5000);
    expect(idleMs).toBeLessThan(KEEPALIVE_MS + 15_000);
  } finally {
    for (const rule of SILENT_443) {
      inNs(cas1.ns, ["iptables", "-D", ...rule], { allowFailure: true });
    }
    rmSync(slow, { force: true });
    inNs(cas1.ns, ["kill", String(pid)], { allowFailure: true });
  }
  await waitFor("CAS1 UP", async () => (await cas1Status()) === "UP", 20_000);
}, 240_000);

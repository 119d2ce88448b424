/**
 * Scenario 3 (Exchange 2013): CAS1's /owa/healthcheck.htm answers 503, as
 * `Set-ServerComponentState ... -State Inactive` makes it (004 §12). Within
 * interval × fall (+1 s) CAS1 is out and new connections go to CAS2; back to
 * 200, CAS1 returns.
 */
import { rmSync, writeFileSync } from "node:fs";
import { ExchangeVersion } from "../../lib";
import { profileFor } from "../../lib/exchange/profiles";
import { serverStats, waitFor } from "../haproxy";
import { inactiveFlag, serverHost } from "../servers";
import { lab2013 } from "../stacks";
import { connect, report, runStack, tally } from "./support";

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

/**
 * Scenario 8 (Exchange 2013): plain HTTP is redirected to HTTPS (004 appendix
 * 4); an idle connection lives as long as the configured timeout, far past the
 * appliance's old 45 s default (001 §11 step 1), and closes after it.
 */
import { CasHttpsVip, Duration, ImapVip } from "../../lib";
import { lab2013 } from "../stacks";
import { connect, hold, report, runStack } from "./support";

test("HTTP on port 80 gets a 301 to the same URL over HTTPS", async () => {
  await runStack(lab2013());
  const [answer] = connect("client", 80, 1, { http: "/owa/" });
  expect(answer).toMatchObject({ status: 301, location: "https://mail.lab.test/owa/" });
});

test("the default idle timeouts are 30 min, not 45 s", async () => {
  const config = await runStack(lab2013());
  expect(config).toContain("    timeout client 30m\n    timeout server 30m\n");
});

test("an idle IMAP connection survives until the configured timeout, then closes", async () => {
  const timeoutMs = 6000;
  const marginMs = 1000;
  await runStack(
    lab2013((lb) => {
      new CasHttpsVip(lb, "CasHttps");
      new ImapVip(lb, "CasImap", {
        timeouts: { client: Duration.millis(timeoutMs), server: Duration.millis(timeoutMs) },
      });
    }),
  );
  const session = hold("client", 143, { maxMs: timeoutMs + 10_000 });
  const opened = await session.opened;
  const events = await session.done;
  const closed = events.find((e) => e.event === "closed");
  const idleMs = closed ? closed.t - opened.t : null;
  report("idle timeout", { configuredMs: timeoutMs, idleMs });
  expect(closed).toBeDefined();
  expect(idleMs).toBeGreaterThanOrEqual(timeoutMs - marginMs);
  expect(idleMs).toBeLessThanOrEqual(timeoutMs + 2 * marginMs);
});

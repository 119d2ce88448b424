/**
 * Scenario 4 (Exchange 2010): stopping only CAS1's address-book port takes
 * CAS1 out of all three RPC ports (003 §3.1), and an established connection to
 * CAS1 on 135 is closed (on-marked-down shutdown-sessions).
 */
import { serverStats, waitFor } from "../haproxy";
import { rpcListener, serverHost } from "../servers";
import { lab2010 } from "../stacks";
import { HOSTS } from "../topology";
import { connect, hold, report, runStack, tally } from "./support";

const cas1 = serverHost("cas1");
/** The ordinary client's source addresses. */
const CLIENTS = HOSTS.client.addresses;

async function status(backend: string, server: string): Promise<string> {
  return (
    (await serverStats()).find((s) => s.backend === backend && s.server === server)?.status ??
    "missing"
  );
}

beforeAll(async () => {
  await runStack(lab2010);
});

afterAll(async () => {
  rpcListener(cas1, 60201, "start");
  await waitFor("CAS1 RPC UP", async () => (await status("CasRpc", "CAS1")) === "UP", 10_000);
});

test("CAS1 leaves 135, 60200 and 60201 when only 60201 stops; its 135 session is shut down", async () => {
  const onCas1 = CLIENTS.find(
    (from) => connect("client", 135, 1, { from: [from] })[0].server === "CAS1",
  );
  expect(onCas1).toBeDefined();
  const session = hold("client", 135, { from: onCas1, maxMs: 30_000 });
  expect((await session.opened).first).toBe("CAS1 135");

  const stoppedAt = Date.now();
  rpcListener(cas1, 60201, "stop");
  const downMs = await waitFor(
    "CAS1 DOWN in CasRpc",
    async () => (await status("CasRpc", "CAS1")).startsWith("DOWN"),
    20_000,
  );
  const events = await session.done;
  const closed = events.find((e) => e.event === "closed");
  report("rpc all-ports", {
    downMs,
    sessionClosedAfterMs: closed ? Date.now() - stoppedAt : null,
    events: events.map((e) => e.event),
  });
  expect(closed).toBeDefined();
  expect(events.some((e) => e.event === "gave-up")).toBe(false);

  for (const port of [135, 60200, 60201]) {
    expect(tally(connect("client", port, 10, { from: [onCas1!] }))).toEqual({ CAS2: 10 });
  }
  // Only the RPC VIP lost CAS1: the web VIP still has it.
  expect(await status("CasWeb", "CAS1")).toBe("UP");
});

/**
 * Scenario 16: a real server drained and halted for patching (004 §12 halt; 002 §2.2.4 drop
 * at drain time end) on the clustered pair with source-IP persistence (guide 001's web and
 * IMAP VIPs), through the synthesized SetServerState document run on both nodes as Run
 * Command runs it: established sessions on CAS1 carry on while new connections, the same
 * client's included, go to CAS2; the drain time's end shuts the rest; ready brings CAS1
 * back. The drained state outlives a config rollout, a reload, a crash and a failover.
 */
import { applyStack } from "../lab";
import { killHaproxy, loadHaproxy, waitFor } from "../haproxy";
import { ALL_NODES, LB_NODES, LabNode } from "../node";
import { failoverEvents, holdsVip, runCommandDocument, runConfigDocument } from "../pair";
import { SynthesizedLoadBalancer, lab2010Pair, lab2010PairWith, synthesize } from "../stacks";
import { HOSTS } from "../topology";
import { HeldEvent, connect, hold, pairTest, report, tally } from "./support";
import { PopVip } from "../../lib";

const { lb, lb2 } = LB_NODES;
const GET_OWA = "GET /owa/ HTTP/1.1\r\nHost: mail.lab.test\r\n\r\n";
const NOOP = "a1 NOOP\r\n";
let stack: SynthesizedLoadBalancer;

/** Every node runs the document, as `aws ssm send-command` to the pair's instance ids does. */
function setState(server: string, state: string, drainSeconds?: number): string[] {
  return ALL_NODES.map((node) => {
    const parameters = {
      server,
      state,
      ...(drainSeconds ? { drainSeconds: `${drainSeconds}` } : {}),
    };
    const result = runCommandDocument(node, stack.setServerStateDocument, parameters);
    expect(result).toMatchObject({ status: 0 });
    return result.output.trim();
  });
}

/** What ServerStatus prints on the node: backend/server -> admin state. */
function adminStates(node: LabNode): Record<string, string> {
  const { status, output } = runCommandDocument(node, stack.serverStatusDocument);
  expect(status).toBe(0);
  const rows = output.trim().split("\n").slice(1);
  return Object.fromEntries(
    rows.map((row) => row.split(/ +/)).map((f) => [`${f[0]}/${f[1]}`, f[2]]),
  );
}

/** A client address whose first IMAP connection lands on CAS1, and the session held open. */
async function imapSessionOnCas1(probeAfterMs: number[], maxMs: number) {
  for (const from of HOSTS.client.addresses) {
    const session = hold("client", 143, { from, probe: NOOP, probeAfterMs, maxMs });
    const opened = await session.opened;
    if (opened.first?.includes("CAS1")) return { from, session };
  }
  throw new Error("no client address reached CAS1 on IMAP");
}

function repliesAfter(events: readonly HeldEvent[], t: number): HeldEvent[] {
  return events.filter((e) => e.event === "data" && e.t > t);
}

beforeAll(async () => {
  stack = synthesize(lab2010Pair);
  await applyStack(stack);
});

afterAll(() => {
  for (const node of ALL_NODES) {
    runCommandDocument(node, stack.setServerStateDocument, { server: "CAS1", state: "ready" });
  }
});

pairTest(
  "drain: CAS1's IMAP and HTTPS sessions carry on, 20 of 20 new connections of the same client go to CAS2; the drain time's end shuts the rest, left with an old process by a reload; ready brings CAS1 back",
  async () => {
    const start = Date.now();
    const probes = [500, 8_000, 12_000];
    const { from, session: imap } = await imapSessionOnCas1(probes, 40_000);
    const web = hold("client", 443, {
      from,
      tls: true,
      probe: GET_OWA,
      probeAfterMs: probes,
      maxMs: 40_000,
    });
    // The session opens with the answer to its first request: persistence took it to CAS1 too.
    expect((await web.opened).first).toContain("X-Exchange-Server: CAS1");

    const drainedAt = Date.now() - start;
    const said = setState("CAS1", "drain");
    expect(said[0]).toContain("CAS1: drain in");
    // Persistence held this client to CAS1: its entry is forgotten, so its new connections move.
    const web20 = tally(connect("client", 443, 20, { from: [from], tls: true, http: "/owa/" }));
    const imap20 = tally(connect("client", 143, 20, { from: [from] }));
    report("drain: new connections of a client held to CAS1", { web: web20, imap: imap20 });
    expect(web20).toEqual({ CAS2: 20 });
    expect(imap20).toEqual({ CAS2: 20 });

    // The established sessions answer the probes sent after the drain (8 s in), from CAS1.
    await waitFor(
      "the sessions' answers after the drain",
      () =>
        repliesAfter(imap.events, 7_000).length > 0 && repliesAfter(web.events, 7_000).length > 0,
      10_000,
    );
    expect(repliesAfter(imap.events, 7_000)[0].text).toContain("a1 OK");
    expect(
      repliesAfter(web.events, 7_000)
        .map((e) => e.text)
        .join(""),
    ).toContain("X-Exchange-Server: CAS1");
    expect(imap.events.some((e) => e.event === "closed")).toBe(false);

    // A reload (a certificate renewal, a rollout) leaves both sessions with the old process,
    // which the admin socket no longer reaches; the drain time's end shuts them there too.
    await loadHaproxy(stack.haproxyConfig, "reload", lb);
    // Drain time: 3 s, then what is left is shut (the master holds both sessions).
    const shutAt = Date.now();
    const ended = setState("CAS1", "drain", 3);
    expect(ended[0]).toMatch(/CAS1: drain time ended \(3 s\): 2 sessions shut/);
    expect(ended[1]).toContain("CAS1: drained, no session left after 0 s");
    const [imapEvents, webEvents] = await Promise.all([imap.done, web.done]);
    const closedImap = imapEvents.find((e) => e.event === "closed");
    const closedWeb = webEvents.find((e) => e.event === "closed");
    expect(closedImap && closedWeb).toBeTruthy();
    report("drain: sessions shut after the drain time", {
      drainedAtMs: drainedAt,
      imapClosedMs: closedImap!.t,
      webClosedMs: closedWeb!.t,
      commandMs: Date.now() - shutAt,
    });

    setState("CAS1", "ready");
    const after = tally(
      connect("client", 443, HOSTS.client.addresses.length, {
        from: HOSTS.client.addresses,
        tls: true,
        http: "/owa/",
      }),
    );
    report("ready: clients spread again", after);
    expect(Object.keys(after).sort()).toEqual(["CAS1", "CAS2"]);
  },
  120_000,
);

pairTest(
  "a drain outlives a config rollout, a reload, a crash and restart, and a failover: the new master has CAS1 drained too",
  async () => {
    setState("CAS1", "drain");
    const drained = (node: LabNode) =>
      Object.entries(adminStates(node))
        .filter(([key]) => key.endsWith("/CAS1"))
        .every(([, state]) => state === "drain");
    const onlyCas2 = () =>
      tally(connect("client", 443, 10, { from: HOSTS.client.addresses, tls: true, http: "/owa/" }));

    // POP3 added: a changed config, so the rollout reloads HAProxy.
    const changed = synthesize(lab2010PairWith((balancer) => new PopVip(balancer, "CasPop")));
    for (const node of ALL_NODES) {
      const rollout = runConfigDocument(node, changed.configDocument);
      expect(rollout).toMatchObject({ status: 0 });
    }
    expect(Object.keys(adminStates(lb))).toContain("CasPop/CAS1");
    expect(ALL_NODES.map(drained)).toEqual([true, true]);
    expect(onlyCas2()).toEqual({ CAS2: 10 });

    await loadHaproxy(changed.haproxyConfig, "reload", lb);
    expect(drained(lb)).toBe(true);

    // A crash saves nothing: the restart reads what the last change saved.
    const killedAt = Date.now();
    killHaproxy(lb);
    // The claim done (the VIP up, the neighbours told) and lb's release: lb2 takes over within
    // 0.1 s of lb's FAULT now, while lb may still hold the address a moment.
    await waitFor(
      "lb2 to claim the VIP and lb to release it",
      () =>
        failoverEvents(lb2).some((e) => e.t >= killedAt && e.state === "MASTER") &&
        failoverEvents(lb).some((e) => e.t >= killedAt && e.state === "FAULT"),
      10_000,
    );
    expect(holdsVip(lb2)).toBe(true);
    expect(drained(lb2)).toBe(true);
    const onLb2 = onlyCas2();
    report("failover: new connections through lb2 with CAS1 drained", onLb2);
    expect(onLb2).toEqual({ CAS2: 10 });
    await loadHaproxy(changed.haproxyConfig, "restart", lb);
    expect(drained(lb)).toBe(true);
    setState("CAS1", "ready");
    expect(ALL_NODES.map(drained)).toEqual([false, false]);
  },
  120_000,
);

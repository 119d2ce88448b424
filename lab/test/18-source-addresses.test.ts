/**
 * Scenario 18: extra source addresses take the load balancer past the source ports of one.
 * The sandbox caps open files far below 64k, so the node's ephemeral range is narrowed to
 * N ports: through one source address HAProxy reaches CAS1 N times and fails past that;
 * with two extra addresses (the synthesized sourceAddresses, put on the interface by the
 * real source-address program from what IMDS says EC2 assigned) it holds 3N with 0 errors,
 * N from each address. CAS1 keeps one health check and one state: its source lines track it,
 * a drain set by the SetServerState document reaches them, and source-IP persistence keeps
 * each client on one real server.
 */
import { CasHttpsVip, Duration, ExchangeVersion, ImapVip } from "../../lib";
import { adminCommand, serverStats, waitFor } from "../haproxy";
import { probeInBackground } from "../measure";
import { LB_NODES } from "../node";
import { runCommandDocument } from "../pair";
import { inNs } from "../shell";
import {
  LAB_SOURCE_ADDRESSES,
  SynthesizedLoadBalancer,
  labWithSources,
  synthesize,
} from "../stacks";
import { applyStack } from "../lab";
import { HOSTS, VIP } from "../topology";
import { connect, report, runStack, sleep } from "./support";

/** Source ports per source address towards one server address and port, in this scenario. */
const N = 8;
const CAS1 = { name: "CAS1", address: HOSTS.cas1.addresses[0] };
const { lb } = LB_NODES;

/**
 * IMAP to CAS1 alone (no other server to redispatch to), checked every 10 s: a check leaves
 * from the primary address too, and one in flight while its ports are all held would fail.
 */
function capacity(sources: readonly string[]) {
  return labWithSources(ExchangeVersion.EXCHANGE_2013, sources, (balancer) => {
    new ImapVip(balancer, "CasImap", {
      servers: [CAS1],
      healthCheck: { interval: Duration.seconds(10) },
    });
  });
}

/** The node's ephemeral range: N ports from 40000 (the instance's sysctl gives 64,000). */
function narrowSourcePorts(): void {
  inNs(lb.ns, ["sysctl", "-q", "-w", `net.ipv4.ip_local_port_range=40000 ${40000 + N - 1}`]);
}

interface Held {
  readonly requested: number;
  readonly established: number;
  readonly failed: number;
  readonly servers: Record<string, number>;
}

/** `count` IMAP connections at once from the client's addresses, each greeted by a server or failed. */
function holdMany(count: number, holdMs: number): Promise<Held> {
  return probeInBackground({
    mode: "hold-many",
    host: VIP,
    port: 143,
    count,
    holdMs,
    greeting: true,
    connectTimeoutMs: 15_000,
    from: HOSTS.client.addresses,
  }) as unknown as Promise<Held>;
}

/** Established connections in CAS1's namespace to port 143, per peer (load-balancer) address. */
function connectionsAtCas1(): Record<string, number> {
  const out = inNs(HOSTS.cas1.ns, ["ss", "-tnH", "state", "established", "( sport = :143 )"]);
  const counts: Record<string, number> = {};
  for (const line of out.stdout.trim().split("\n").filter(Boolean)) {
    const peer = line.trim().split(/\s+/).at(-1)!.replace(/:\d+$/, "");
    counts[peer] = (counts[peer] ?? 0) + 1;
  }
  return counts;
}

afterAll(() => {
  inNs(lb.ns, ["sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65023"]);
});

test(`one source address: ${N} connections to CAS1, those past it fail`, async () => {
  await runStack(capacity([]));
  narrowSourcePorts();
  const held = await holdMany(N + 4, 1000);
  report("one source address", held);
  expect(held.servers).toEqual({ CAS1: N });
  expect(held.failed).toBe(4);
}, 60_000);

test(`three source addresses: ${3 * N} connections to CAS1 with 0 errors, ${N} from each`, async () => {
  const config = await runStack(capacity(LAB_SOURCE_ADDRESSES));
  expect(config).toMatch(/server CAS1:src3 192\.168\.30\.20 .*track CAS1/);
  narrowSourcePorts();
  const running = holdMany(3 * N, 4000);
  await waitFor(
    `${3 * N} sessions on CAS1's lines`,
    async () =>
      (await serverStats()).reduce(
        (n, s) => n + (s.backend === "CasImap" ? s.currentSessions : 0),
        0,
      ) ===
      3 * N,
    10_000,
  );
  const atCas1 = connectionsAtCas1();
  const perLine = Object.fromEntries(
    (await serverStats())
      .filter((s) => s.backend === "CasImap")
      .map((s) => [s.server, s.currentSessions]),
  );
  const held = await running;
  report("three source addresses", { held, atCas1, perLine });
  expect(held.servers).toEqual({ CAS1: 3 * N });
  expect(held.failed).toBe(0);
  expect(atCas1).toEqual({
    [HOSTS.lb.addresses[0]]: N,
    [LAB_SOURCE_ADDRESSES[0]]: N,
    [LAB_SOURCE_ADDRESSES[1]]: N,
  });
  expect(perLine).toEqual({ CAS1: N, "CAS1:src2": N, "CAS1:src3": N });
  // The ceiling is 3N: three more fail. The ports the last connections left in TIME-WAIT are
  // free again 1 s on (tcp_tw_reuse, the instance's sysctl).
  await sleep(1500);
  const past = await holdMany(3 * N + 3, 1000);
  report("three source addresses, 3 past the ceiling", past);
  expect(past.servers).toEqual({ CAS1: 3 * N });
  expect(past.failed).toBe(3);
}, 90_000);

test("CAS1's source lines follow its one health check", async () => {
  const stat = await adminCommand("show stat", lb);
  const [header, ...rows] = stat.trim().split("\n");
  const cols = header.replace(/^# /, "").split(",");
  const row = (server: string) => {
    const cells = rows.map((r) => r.split(",")).find((r) => r[0] === "CasImap" && r[1] === server)!;
    return { check: cells[cols.indexOf("check_status")], tracked: cells[cols.indexOf("tracked")] };
  };
  report("health checks per line", ["CAS1", "CAS1:src2", "CAS1:src3"].map(row));
  expect(row("CAS1").check).toMatch(/^L[467]OK$/);
  for (const line of ["CAS1:src2", "CAS1:src3"]) {
    expect(row(line)).toEqual({ check: "", tracked: "CasImap/CAS1" });
  }
  // CAS1 failing its check takes its lines down with it, and back up.
  const imapLines = async () => (await serverStats()).filter((s) => s.backend === "CasImap");
  expect((await adminCommand("set server CasImap/CAS1 health down", lb)).trim()).toBe("");
  await waitFor(
    "CAS1's lines down",
    async () => (await imapLines()).every((s) => s.status === "DOWN"),
    5000,
  );
  expect((await adminCommand("set server CasImap/CAS1 health up", lb)).trim()).toBe("");
  await waitFor(
    "CAS1's lines up",
    async () => (await imapLines()).every((s) => s.status === "UP"),
    15_000,
  );
});

describe("Exchange 2010 with three source addresses", () => {
  let stack: SynthesizedLoadBalancer;
  beforeAll(async () => {
    stack = synthesize(
      labWithSources(ExchangeVersion.EXCHANGE_2010, LAB_SOURCE_ADDRESSES, (balancer) => {
        new CasHttpsVip(balancer, "CasWeb");
      }),
    );
    await applyStack(stack);
  }, 60_000);

  /** Where each client's 10 connections to 443 went, by the server's own header. */
  function perClient(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      HOSTS.client.addresses.map((from) => {
        const results = connect("client", 443, 10, { from: [from], tls: true, http: "/owa/" });
        const counts: Record<string, number> = {};
        for (const r of results)
          counts[r.server ?? r.error ?? "none"] = (counts[r.server ?? r.error ?? "none"] ?? 0) + 1;
        return [from, counts];
      }),
    );
  }

  test("source-IP persistence keeps each client on one real server, whichever line serves it", async () => {
    const clients = perClient();
    report("persistence with source lines", clients);
    for (const counts of Object.values(clients)) expect(Object.values(counts)).toEqual([10]);
    const lines = (await serverStats()).filter(
      (s) => s.backend.startsWith("CasWeb") && s.totalSessions > 0,
    );
    report(
      "OWA lines used",
      lines.map((s) => `${s.server} ${s.totalSessions}`),
    );
    expect(lines.some((s) => s.server.includes(":src"))).toBe(true);
  });

  test("a drain of CAS1 reaches its lines and forgets the clients held to any of them", async () => {
    const set = runCommandDocument(lb, stack.setServerStateDocument, {
      server: "CAS1",
      state: "drain",
    });
    expect(set).toMatchObject({ status: 0 });
    const states = (await serverStats()).filter((s) => s.server.startsWith("CAS1"));
    report(
      "CAS1's lines drained",
      states.map((s) => `${s.backend}/${s.server} ${s.status}`),
    );
    for (const s of states) expect(s.status).toMatch(/^DRAIN/);
    const clients = perClient();
    report("after the drain", clients);
    for (const counts of Object.values(clients)) expect(counts).toEqual({ CAS2: 10 });
    const ready = runCommandDocument(lb, stack.setServerStateDocument, {
      server: "CAS1",
      state: "ready",
    });
    expect(ready).toMatchObject({ status: 0 });
    for (const s of (await serverStats()).filter((s) => s.server.startsWith("CAS1"))) {
      expect(s.status).toMatch(/^UP/);
    }
  });
});

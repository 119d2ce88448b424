/**
 * The server-state program run for real by /bin/sh against each release's real HAProxy,
 * running the synthesized haproxy.cfg (its admin socket and state file under the node's
 * temporary root) in a network namespace of its own: drain and maintenance in every backend
 * that has the server, persistence entries forgotten, the states carried into a reloaded
 * process and through a rollout, a changed server line left to the new config, a drain in
 * code, refusals. Sessions and traffic are the lab's (lab/test/16-drain.test.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { CasHttpsVip, ImapVip, PopVip, RealServer, RealServerState } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { installDocumentFiles, synthesizedNode } from "../support/delivered-files";
import { InstanceRoot } from "../support/instance-root";
import { adminCommand, installConfig, startHaproxy } from "../support/root-haproxy";
import { fixture } from "../support/synth";

const CAS1 = { name: "CAS1", address: "192.168.30.20" };
const CAS2 = { name: "CAS2", address: "192.168.30.21" };

/**
 * The 2010 web VIP (source-IP persistence) and IMAP; `imapCas2` moves CAS2 in IMAP only;
 * `pop` adds a VIP.
 */
function loadBalancer(servers: RealServer[] = [CAS1, CAS2], imapCas2?: string, pop = false) {
  const { lb, stack } = fixture({ servers, maxconn: 1000 });
  new CasHttpsVip(lb, "CasWeb");
  new ImapVip(lb, "CasImap", {
    servers: imapCas2 ? [servers[0], { ...servers[1], address: imapCas2 }] : servers,
  });
  if (pop) new PopVip(lb, "CasPop");
  // The node once its config document ran: the server-state program and its settings from it.
  const document = () => synthesizedNode(stack, lb).document;
  return { config: lb.renderHaproxyConfig(), userData: lb.renderUserData(), document };
}

jest.setTimeout(30_000);

describe.each(DEBIAN_RELEASES)("with $name's HAProxy", (release) => {
  let root: InstanceRoot;

  const install = (config: string) => installConfig(root, config);
  const admin = (command: string) => adminCommand(root, command);

  /** backend/server -> srv_admin_state flags, as the running process has them. */
  function adminStates(): Record<string, number> {
    const lines = admin("show servers state").split("\n");
    const rows = lines.filter((l) => /^\d+ /.test(l) && l.split(" ").length > 8);
    return Object.fromEntries(rows.map((l) => l.split(" ")).map((f) => [`${f[1]}/${f[3]}`, +f[6]]));
  }

  function run(...args: string[]) {
    return root.run(PATHS.SERVER_STATE_PROGRAM, args, { timeout: 30_000 });
  }

  async function pid(): Promise<string> {
    return (await run("pid")).stdout.trim();
  }

  async function waitForNewProcess(old: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const now = await pid();
      if (now && now !== old) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("no new HAProxy process answered");
  }

  const start = () => startHaproxy(root, release);

  /** What the apply program does around a reload: save against both configs, signal, forget. */
  async function rollOut(config: string) {
    const before = await pid();
    root.write(PATHS.PREVIOUS_CONFIG, root.read(PATHS.HAPROXY_CONFIG));
    install(config);
    const saved = await run(
      "save",
      root.path(PATHS.PREVIOUS_CONFIG),
      root.path(PATHS.HAPROXY_CONFIG),
    );
    process.kill(+root.read(PATHS.HAPROXY_PIDFILE).trim(), "SIGUSR2");
    await waitForNewProcess(before);
    expect((await run("after-reload", before)).code).toBe(0);
    return saved;
  }

  beforeEach(async () => {
    root = new InstanceRoot();
    const { config, userData, document } = loadBalancer();
    root.installUserData(userData);
    installDocumentFiles(root, document());
    mkdirSync(dirname(root.path(PATHS.HAPROXY_ADMIN_SOCKET)), { recursive: true });
    install(config);
    start();
    await waitForNewProcess("none");
  });

  afterEach(() => {
    const pidfile = root.path(PATHS.HAPROXY_PIDFILE);
    if (existsSync(pidfile)) process.kill(+readFileSync(pidfile, "utf8").trim(), "SIGTERM");
    root.remove();
  });

  test("drain: CAS1 in every backend, its persistence entries forgotten, CAS2's kept, the state saved", async () => {
    admin("set table CasWeb key 10.9.9.1 data.server_id 1");
    admin("set table CasWeb key 10.9.9.2 data.server_id 2");
    const result = await run("set", "CAS1", "drain");
    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr).toContain("CAS1: drain in 2 backends");
    // 8: SRV_ADMF_FDRAIN, forced from the CLI.
    expect(adminStates()).toEqual({
      "CasWeb/CAS1": 8,
      "CasWeb/CAS2": 0,
      "CasImap/CAS1": 8,
      "CasImap/CAS2": 0,
    });
    const table = admin("show table CasWeb");
    expect(table).not.toContain("key=10.9.9.1 ");
    expect(table).toContain("key=10.9.9.2 ");
    expect(root.read(PATHS.SERVER_STATE)).toMatch(/^\d+ CasImap \d+ CAS1 192\.168\.30\.20 \d+ 8 /m);
  });

  test("a drain and a halt survive a reload and a rollout, a server whose line changed included (set again after the reload)", async () => {
    await run("set", "CAS1", "drain");
    await run("set", "CAS2", "maintenance");
    const { config } = loadBalancer();
    await rollOut(config);
    expect(adminStates()).toEqual({
      "CasWeb/CAS1": 8,
      "CasWeb/CAS2": 1,
      "CasImap/CAS1": 8,
      "CasImap/CAS2": 1,
    });
    const moved = await rollOut(loadBalancer([CAS1, CAS2], "192.168.30.44").config);
    expect(moved.stderr).toContain(
      "CasImap/CAS2: its line or its state in code changed; its saved state is not carried over",
    );
    // Halted again after the reload, as set at run time: the states set are kept apart.
    expect(adminStates()).toEqual({
      "CasWeb/CAS1": 8,
      "CasWeb/CAS2": 1,
      "CasImap/CAS1": 8,
      "CasImap/CAS2": 1,
    });
    // HAProxy restores the saved address and port over the config's: the line was left out.
    expect(admin("show servers state CasImap")).toMatch(/ CAS2 192\.168\.30\.44 /);
  });

  test("a drain in code (weight 0) takes effect at the rollout; the entries of drained servers are forgotten", async () => {
    await rollOut(loadBalancer([CAS1, { ...CAS2, state: RealServerState.DRAIN }]).config);
    const status = (await run("status")).stdout;
    expect(status).toMatch(/^CasWeb +CAS2 +drain /m);
    expect(status).toMatch(/^CasWeb +CAS1 +ready /m);
    // A pair's reload carries the table over (peers); one instance starts with an empty one.
    admin("set table CasWeb key 10.9.9.1 data.server_id 1");
    admin("set table CasWeb key 10.9.9.2 data.server_id 2");
    expect((await run("after-reload", "none")).code).toBe(0);
    const table = admin("show table CasWeb");
    expect(table).toContain("key=10.9.9.1 ");
    expect(table).not.toContain("key=10.9.9.2 ");
    const ready = await run("set", "CAS2", "ready");
    expect(ready.stderr).toContain(
      "CasWeb/CAS2: the config says drain: it stays so until the code says ready",
    );
  });

  test("a VIP added by a rollout has CAS1 drained too; ready at run time leaves a halt in code", async () => {
    await run("set", "CAS1", "drain");
    const added = loadBalancer(
      [CAS1, { ...CAS2, state: RealServerState.MAINTENANCE }],
      undefined,
      true,
    );
    await rollOut(added.config);
    expect(adminStates()).toMatchObject({ "CasPop/CAS1": 8, "CasWeb/CAS1": 8, "CasPop/CAS2": 5 });
    const ready = await run("set", "CAS2", "ready");
    expect(ready.stderr).toContain(
      "CasPop/CAS2: the config says maintenance: it stays so until the code says otherwise",
    );
    expect((await run("status")).stdout).toMatch(/^CasPop +CAS2 +maintenance +MAINT /m);
    // Ready at run time: nothing set is left to re-apply at the next reload.
    await run("set", "CAS1", "ready");
    expect(root.read(PATHS.SERVER_STATES_SET)).toBe("");
  });

  test("maintenance and back to ready; status shows each server of each backend", async () => {
    expect((await run("set", "CAS1", "maintenance")).code).toBe(0);
    expect((await run("status")).stdout).toMatch(/^CasImap +CAS1 +maintenance +MAINT /m);
    expect((await run("set", "CAS1", "ready")).code).toBe(0);
    const status = (await run("status")).stdout.trim().split("\n");
    expect(status[0]).toMatch(/^BACKEND +SERVER +ADMIN +HEALTH +SESSIONS +TOTAL +LAST CHECK$/);
    expect(status.slice(1).map((line) => line.split(/ +/).slice(0, 3).join(" "))).toEqual([
      "CasWeb CAS1 ready",
      "CasWeb CAS2 ready",
      "CasImap CAS1 ready",
      "CasImap CAS2 ready",
    ]);
  });

  test("the admin port serves the exporter and a read-only stats page showing the states", async () => {
    await run("set", "CAS1", "maintenance");
    const pidfile = root.path(PATHS.HAPROXY_PIDFILE);
    const curl = (...args: string[]) =>
      spawnSync(
        "nsenter",
        [
          "-t",
          readFileSync(pidfile, "utf8").trim(),
          "-n",
          "curl",
          "-sS",
          "--max-time",
          "5",
          ...args,
        ],
        { encoding: "utf8" },
      );
    const metrics = curl("http://127.0.0.1:8404/metrics").stdout;
    // HAProxy's exporter: one series per state, 1 for the current one.
    expect(metrics).toMatch(
      /haproxy_server_status\{proxy="CasImap",server="CAS1",state="MAINT"\} 1/,
    );
    const csv = curl("http://127.0.0.1:8404/stats;csv").stdout;
    expect(csv).toMatch(/^CasImap,CAS1,.*,MAINT,/m);
    // No `stats admin`: the page's actions are refused, the server stays as it is.
    const post = curl(
      "-o",
      "/dev/null",
      "-D",
      "-",
      "-d",
      "s=CAS1&action=ready&b=CasImap",
      "http://127.0.0.1:8404/stats",
    );
    expect(post.stdout).toMatch(/^location: \S*;st=DENY/im);
    expect(adminStates()["CasImap/CAS1"]).toBe(1);
  });

  test("a reload alone starts from the saved states (server-state-file), with nothing set again", async () => {
    await run("set", "CAS1", "drain");
    const before = await pid();
    process.kill(+root.read(PATHS.HAPROXY_PIDFILE).trim(), "SIGUSR2");
    await waitForNewProcess(before);
    expect(adminStates()).toMatchObject({ "CasWeb/CAS1": 8, "CasImap/CAS1": 8 });
  });

  test("a drain at run time leaves a halt in code as it is; a change of the code's state drops the run time's", async () => {
    await rollOut(loadBalancer([{ ...CAS1, state: RealServerState.MAINTENANCE }, CAS2]).config);
    const drained = await run("set", "CAS1", "drain");
    expect(drained.stderr).toContain("CasWeb/CAS1: the config says maintenance");
    // 5: maintenance from the config, and forced; no drain flag.
    expect(adminStates()).toMatchObject({ "CasWeb/CAS1": 5, "CasImap/CAS1": 5 });
    // The code says ready again: the drain set at run time goes with the halt.
    const rollout = await rollOut(loadBalancer().config);
    expect(rollout.stderr).toContain(
      "CAS1: its state in code changed: the state set at run time is dropped",
    );
    expect(adminStates()).toMatchObject({ "CasWeb/CAS1": 0, "CasImap/CAS1": 0 });
    expect(root.read(PATHS.SERVER_STATES_SET)).toBe("");
  });

  test("status, pid and set say so and exit 1 when HAProxy does not answer", async () => {
    process.kill(+root.read(PATHS.HAPROXY_PIDFILE).trim(), "SIGTERM");
    for (let i = 0; i < 50 && (await pid()); i++) await new Promise((r) => setTimeout(r, 100));
    for (const args of [["status"], ["pid"], ["set", "CAS1", "drain"]]) {
      const result = await run(...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("HAProxy did not answer");
    }
  });

  test("a drain time shuts the sessions an older process still serves after a reload", async () => {
    const master = root.read(PATHS.HAPROXY_PIDFILE).trim();
    const inNetns = (...command: string[]) => ["-t", master, "-n", ...command];
    // CAS1 and the VIP on the namespace's loopback; CAS1 greets as Exchange's IMAP does.
    for (const address of ["192.168.30.20/32", "192.168.30.10/32"]) {
      spawnSync("nsenter", inNetns("ip", "address", "add", address, "dev", "lo"));
    }
    const listen = "TCP-LISTEN:143,bind=192.168.30.20,fork,reuseaddr";
    const cas1 = spawn("nsenter", inNetns("socat", listen, "SYSTEM:echo '* OK CAS1 ready'; cat"));
    try {
      await new Promise((r) => setTimeout(r, 300));
      admin("set server CasImap/CAS1 health up");
      const client = spawn("nsenter", inNetns("socat", "-", "TCP:192.168.30.10:143"));
      const closed = new Promise((resolve) => client.on("close", resolve));
      const banner = await Promise.race([
        new Promise<string>((resolve) => client.stdout.once("data", (d) => resolve(String(d)))),
        closed.then(() => "(closed)"),
      ]);
      expect(banner).toContain("CAS1 ready");
      // A rollout's reload: the session stays with the old process, out of the admin socket's reach.
      const before = await pid();
      process.kill(+master, "SIGUSR2");
      await waitForNewProcess(before);
      const drain = await run("set", "CAS1", "drain", "2");
      expect(drain.stderr).toContain("CAS1: drain time ended (2 s): 1 sessions shut");
      await closed;
    } finally {
      cas1.kill();
    }
  });

  test("a drain with a drain time and no session returns at once", async () => {
    const result = await run("set", "CAS1", "drain", "30");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/CAS1: drained, no session left after [01] s/);
  });

  test("an unknown server, an unknown state and HAProxy stopped are refused, nothing changed", async () => {
    const unknown = await run("set", "CAS9", "drain");
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain("no backend has a server named CAS9");
    expect((await run("set", "CAS1", "sleep")).code).toBe(2);
    expect((await run("set", "CAS1", "drain", "soon")).code).toBe(2);
    expect(Object.values(adminStates())).toEqual([0, 0, 0, 0]);
    const saved = root.read(PATHS.SERVER_STATE);
    process.kill(+root.read(PATHS.HAPROXY_PIDFILE).trim(), "SIGTERM");
    for (let i = 0; i < 50 && (await pid()); i++) await new Promise((r) => setTimeout(r, 100));
    const stopped = await run("set", "CAS1", "drain");
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("HAProxy did not answer");
    expect((await run("save")).code).toBe(1);
    // The last saved states stay for the next start.
    expect(root.read(PATHS.SERVER_STATE)).toBe(saved);
  });
});

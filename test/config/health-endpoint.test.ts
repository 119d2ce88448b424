/**
 * A fleet node's health endpoint, answered by each release's real HAProxy running the
 * synthesized haproxy.cfg in a network namespace of its own: per VIP, 200 while one of its
 * real servers is usable, 503 when none is (down, or in maintenance), 404 for no VIP, and no
 * answer once HAProxy is gone. The NLB's check (lab scenario 19 runs it against whole nodes).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { ExchangeVersion, ImapVip, PopVip } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { InstanceRoot } from "../support/instance-root";
import { adminCommand, installConfig, startHaproxy } from "../support/root-haproxy";
import { fixture } from "../support/synth";

jest.setTimeout(30_000);

function fleetConfig(): string {
  const { lb } = fixture({
    subnetId: undefined,
    exchangeVersion: ExchangeVersion.EXCHANGE_2019,
    maxconn: 1000,
    fleet: { subnets: [{ subnetId: "subnet-0aaa" }] },
  });
  new ImapVip(lb, "CasImap");
  new PopVip(lb, "CasPop");
  return lb.renderHaproxyConfig();
}

describe.each(DEBIAN_RELEASES)("with $name's HAProxy", (release) => {
  let root: InstanceRoot;
  const admin = (command: string) => adminCommand(root, command);
  const master = () => readFileSync(root.path(PATHS.HAPROXY_PIDFILE), "utf8").trim();

  /** The status code of a GET on the endpoint, or "none" when nothing answers. */
  function status(path: string): string {
    const result = spawnSync(
      "nsenter",
      ["-t", master(), "-n", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"].concat([
        "--max-time",
        "5",
        `http://127.0.0.1:8405${path}`,
      ]),
      { encoding: "utf8" },
    );
    return result.stdout === "000" ? "none" : result.stdout;
  }

  /**
   * A server's state, set just before the endpoint is asked: its checks (to an address not
   * reachable here) cannot undo a forced "up" before `fall` of them have failed, seconds away.
   */
  function set(server: string, state: "up" | "down" | "maint" | "drain"): void {
    for (const backend of ["CasImap", "CasPop"]) {
      admin(
        state === "maint" || state === "drain"
          ? `set server ${backend}/${server} state ${state}`
          : `set server ${backend}/${server} state ready; set server ${backend}/${server} health ${state}`,
      );
    }
  }

  beforeEach(async () => {
    root = new InstanceRoot();
    mkdirSync(dirname(root.path(PATHS.HAPROXY_ADMIN_SOCKET)), { recursive: true });
    installConfig(root, fleetConfig());
    startHaproxy(root, release);
    for (let i = 0; i < 50 && !admin("show info").includes("Pid:"); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterEach(() => {
    const pidfile = root.path(PATHS.HAPROXY_PIDFILE);
    const pid = existsSync(pidfile) ? +readFileSync(pidfile, "utf8").trim() : 0;
    if (pid && existsSync(`/proc/${pid}`)) process.kill(pid, "SIGTERM");
    root.remove();
  });

  test("200 while a real server of the VIP is up, 503 when none is, each VIP on its own", () => {
    set("CAS1", "up");
    set("CAS2", "down");
    expect([status("/vip/CasImap"), status("/vip/CasPop")]).toEqual(["200", "200"]);
    set("CAS1", "down");
    expect(status("/vip/CasImap")).toBe("503");
    set("CAS2", "up");
    expect(status("/vip/CasImap")).toBe("200");
    set("CAS2", "maint");
    set("CAS1", "maint");
    expect(status("/vip/CasPop")).toBe("503");
    admin("set server CasPop/CAS2 state ready; set server CasPop/CAS2 health up");
    expect([status("/vip/CasImap"), status("/vip/CasPop")]).toEqual(["503", "200"]);
  });

  test("503 once every real server of the VIP is drained: no new connection has a server", () => {
    set("CAS1", "up");
    set("CAS2", "drain");
    expect(status("/vip/CasImap")).toBe("200");
    set("CAS1", "drain");
    expect(status("/vip/CasImap")).toBe("503");
  });

  test("404 for a path that is no VIP's; nothing answers once HAProxy is gone", async () => {
    expect(status("/vip/Other")).toBe("404");
    expect(status("/")).toBe("404");
    const pid = master();
    const ns = `/proc/${pid}/ns/net`;
    // Hold the namespace open to ask it once HAProxy has stopped.
    const holder = spawnSync(
      "sh",
      ["-c", `nsenter --net=${ns} sh -c 'sleep 5 >/dev/null 2>&1 & echo $!'`],
      {
        encoding: "utf8",
      },
    );
    process.kill(+pid, "SIGTERM");
    for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = spawnSync(
      "nsenter",
      [
        "-t",
        holder.stdout.trim(),
        "-n",
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
      ].concat(["--max-time", "5", "http://127.0.0.1:8405/vip/CasImap"]),
      { encoding: "utf8" },
    );
    expect(after.stdout).toBe("000");
    process.kill(+holder.stdout.trim(), "SIGTERM");
  });
});

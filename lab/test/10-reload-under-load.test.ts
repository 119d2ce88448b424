/**
 * A changed weight reaches the running HAProxy by a reload, as on the instance
 * (`systemctl reload haproxy`: SIGUSR2 to the master-worker), while clients
 * keep opening connections: none fails. A config that fails `haproxy -c` is
 * refused and the running one keeps serving.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CasHttpsVip } from "../../lib";
import { applyStack } from "../lab";
import { loadHaproxy, serverStats } from "../haproxy";
import { lab2013, synthesize } from "../stacks";
import { HOSTS, VIP } from "../topology";
import { connect, report, runStack, sleep, tally } from "./support";

const PROBE = join(__dirname, "..", "tools", "probe.js");

function weighted(cas1Weight: number) {
  return lab2013((lb) => {
    new CasHttpsVip(lb, "CasHttps", {
      servers: [
        { name: "CAS1", address: HOSTS.cas1.addresses[0], weight: cas1Weight },
        { name: "CAS2", address: HOSTS.cas2.addresses[0] },
      ],
    });
  });
}

test("reloads under load lose no connection; a broken config is refused and the old one serves", async () => {
  await runStack(weighted(100));
  const args = { mode: "rate", host: VIP, port: 443, ms: 8000, parallel: 8, tls: true };
  const load = spawn("ip", [
    "netns",
    "exec",
    HOSTS.client.ns,
    process.execPath,
    PROBE,
    JSON.stringify(args),
  ]);
  let out = "";
  load.stdout.on("data", (chunk) => (out += chunk.toString()));
  const finished = new Promise<void>((resolve) => load.on("close", () => resolve()));

  await sleep(2000);
  await applyStack(synthesize(weighted(50)), "reload");
  await sleep(2000);
  await applyStack(synthesize(weighted(100)), "reload");
  await sleep(1000);
  const broken = synthesize(weighted(100)).haproxyConfig.replace(
    "balance roundrobin",
    "balance sometimes",
  );
  await expect(loadHaproxy(broken, "reload")).rejects.toThrow("haproxy -c");
  await finished;

  const { ok, failed } = JSON.parse(out) as { ok: number; failed: number };
  report("reload under load", { ok, failed, reloads: 2, refused: 1 });
  expect(ok).toBeGreaterThan(100);
  expect(failed).toBe(0);
  // The refused config changed nothing: the last good one serves, CAS1 at weight 100.
  const weights = (await serverStats())
    .filter((s) => s.backend === "CasHttps")
    .map((s) => [s.server, s.weight]);
  expect(weights).toEqual([
    ["CAS1", 100],
    ["CAS2", 100],
  ]);
  expect(tally(connect("client", 443, 20, { tls: true, http: "/owa/" }))).toEqual({
    CAS1: 10,
    CAS2: 10,
  });
});

test("a reloaded weight is what HAProxy balances by", async () => {
  await runStack(weighted(100));
  await applyStack(synthesize(weighted(50)), "reload");
  const counts = tally(connect("client", 443, 30, { tls: true, http: "/owa/" }));
  report("weights 50:100 after reload", counts);
  expect(counts).toEqual({ CAS1: 10, CAS2: 20 });
});

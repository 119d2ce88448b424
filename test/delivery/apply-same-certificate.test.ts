/**
 * The apply program's call of the same-certificate program on a rollout, with
 * the real `haproxy -c` and the comparison replaced by a stand-in: it gets the
 * staging directory on every rollout, an unchanged one too, and its refusal
 * fails the rollout before anything is installed (the old config keeps serving).
 */
import { CasHttpsVip } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { InstanceRoot } from "../support/instance-root";
import { fixture } from "../support/synth";

function loadBalancer(server2: string) {
  const { lb } = fixture({
    servers: [
      { name: "CAS1", address: "192.168.30.20" },
      { name: "CAS2", address: server2 },
    ],
  });
  new CasHttpsVip(lb, "CasWeb");
  return { config: lb.renderHaproxyConfig(), userData: lb.renderUserData() };
}

const GOOD = loadBalancer("192.168.30.21");
const CHANGED = loadBalancer("192.168.30.22").config;
let root: InstanceRoot;

beforeEach(() => {
  root = new InstanceRoot();
  root.installUserData(GOOD.userData);
  for (const command of ["ip", "sysctl", "systemctl"]) root.fake(command);
});
afterEach(() => root.remove());

function rollout(config: string) {
  root.write("stage/haproxy.cfg", config);
  root.write("stage/vips", root.read(PATHS.VIPS_FILE));
  return root.run(PATHS.APPLY_PROGRAM, [root.path("stage")]);
}

test("a server with another certificate where the VIP requires the same: the rollout is refused, nothing changes", async () => {
  root.fakeProgram(
    PATHS.SAME_CERTIFICATE_PROGRAM,
    'echo "exchange-lb-same-certificate: VIP Web requires the same certificate" >&2; exit 1',
  );
  const result = await rollout(CHANGED);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("VIP Web requires the same certificate");
  expect(result.stderr).toMatch(
    /refused [0-9a-f]{12}: a bridge-mode server presents another certificate than its VIP; the running configuration is unchanged/,
  );
  expect(root.calls("exchange-lb-same-certificate")).toEqual([
    `exchange-lb-same-certificate ${root.path("stage")}`,
  ]);
  expect(root.read(PATHS.HAPROXY_CONFIG)).toBe(GOOD.config);
  expect(root.calls("systemctl")).toEqual([]);
});

test("the comparison runs on an unchanged rollout too, and its pass lets the rollout go on", async () => {
  root.fakeProgram(PATHS.SAME_CERTIFICATE_PROGRAM);
  const result = await rollout(GOOD.config);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/unchanged/);
  expect(root.calls("exchange-lb-same-certificate")).toHaveLength(1);
});

/**
 * A fleet node's ready program run for real: its settings and files as the synthesized
 * user-data and config document leave them, Debian's real AWS CLI calling the Auto Scaling
 * stand-in with the synthesized role's credentials from an IMDSv2 stand-in. The launch it
 * completes is its own, in its own group, once; a node not being launched has none; the role
 * may complete no other group's.
 */
import { rmSync } from "node:fs";
import { ImapVip } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import type { PolicyDocument } from "../../lab/aws/iam";
import { Running, startStandIn, stopStandIn } from "../support/aws-stand-in";
import { deliveredNode, synthesizedNode } from "../support/delivered-files";
import type { RunningImds } from "../support/imds-stand-in";
import { InstanceRoot } from "../support/instance-root";
import { fixture } from "../support/synth";

const NODE = "i-lab0a000107";
const GROUP = "exchange-lb-test-Lb";
const HOOK = "exchange-lb-config-applied";

jest.setTimeout(60_000);

let running: Running;
beforeAll(async () => {
  running = await startStandIn({});
});
afterAll(() => stopStandIn(running));

function synthesized() {
  const { stack, lb } = fixture({
    subnetId: undefined,
    maxconn: 1000,
    fleet: { subnets: [{ subnetId: "subnet-0aaa" }] },
  });
  new ImapVip(lb, "CasImap");
  return synthesizedNode(stack, lb);
}

/** The role's fleet statement naming another group. */
function otherGroup(policies: readonly PolicyDocument[]): PolicyDocument[] {
  return policies.map((p) => JSON.parse(JSON.stringify(p).split(GROUP).join("exchange-lb-other")));
}

let root: InstanceRoot;
let imds: RunningImds;

async function start(policies?: (given: readonly PolicyDocument[]) => PolicyDocument[]) {
  const node = synthesized();
  const role = policies ? { ...node.role, policies: policies(node.role.policies) } : node.role;
  ({ root, imds } = await deliveredNode(running, 7, { ...node, role }));
}

const ready = () => root.run(PATHS.FLEET_READY_PROGRAM, [], { timeout: 45_000 });
const calls = () =>
  running.standIn.calls.filter((c) => c.action === "autoscaling:CompleteLifecycleAction");

afterEach(async () => {
  running.standIn.pendingLaunches.length = 0;
  await imds.close();
  root.remove();
});

test("completes its own launch, in its group and hook, once", async () => {
  await start();
  running.standIn.pendingLaunches.push({ group: GROUP, hook: HOOK, instanceId: NODE });
  const before = calls().length;
  const done = await ready();
  expect(done).toMatchObject({ code: 0 });
  expect(done.stderr).toContain(`config applied: ${NODE} goes in service in ${GROUP}`);
  expect(running.standIn.completedLaunches.at(-1)).toEqual({
    group: GROUP,
    hook: HOOK,
    instanceId: NODE,
    result: "CONTINUE",
    caller: NODE,
  });
  expect(root.exists(PATHS.FLEET_READY)).toBe(true);
  // Once: the next rollout's apply asks nothing.
  expect((await ready()).code).toBe(0);
  expect(calls().length).toBe(before + 1);
});

test("a node not being launched has nothing to complete, and says so", async () => {
  await start();
  const done = await ready();
  expect(done).toMatchObject({ code: 0 });
  expect(done.stderr).toContain(`config applied: ${NODE} has no launch to complete`);
  expect(calls().at(-1)).toMatchObject({ decision: "allow", error: "ValidationError" });
});

test("the role may complete no other group's launch: refused, the node stays out of service", async () => {
  await start(otherGroup);
  running.standIn.pendingLaunches.push({ group: GROUP, hook: HOOK, instanceId: NODE });
  const done = await ready();
  expect(done.code).toBe(1);
  expect(done.stderr).toContain(`completing the launch of ${NODE} in ${GROUP} failed`);
  expect(done.stderr).toContain("AccessDenied");
  expect(calls().at(-1)).toMatchObject({ decision: "implicit-deny" });
  expect(root.exists(PATHS.FLEET_READY)).toBe(false);
  expect(running.standIn.pendingLaunches).toHaveLength(1);
});

test("a node without the server-state program (the document's install failed) stays out of service", async () => {
  await start();
  running.standIn.pendingLaunches.push({ group: GROUP, hook: HOOK, instanceId: NODE });
  rmSync(root.path(PATHS.SERVER_STATE_PROGRAM));
  const before = calls().length;
  const done = await ready();
  expect(done.code).toBe(1);
  expect(done.stderr).toContain(
    "no server-state program (the config document's install failed): the launch is not completed",
  );
  expect(calls().length).toBe(before);
  expect(root.exists(PATHS.FLEET_READY)).toBe(false);
  expect(running.standIn.pendingLaunches).toHaveLength(1);
});

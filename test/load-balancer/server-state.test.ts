/**
 * A real server's state as code (ready, drain, maintenance) and the operator's SSM
 * documents: what haproxy.cfg says, what is refused or warned of, and the documents'
 * parameters, which SSM checks before any node runs the command.
 */
import { spawnSync } from "node:child_process";
import { CasHttpsVip, ImapVip, RealServerState } from "../../lib";
import {
  MAX_DRAIN_SECONDS,
  renderSetServerStateDocument,
} from "../../lib/delivery/operations-documents";
import { PATHS } from "../../lib/instance/paths";
import { fixture, resourcesOf, synthJson, warningsOf } from "../support/synth";
import { expectValidHaproxy } from "../support/tools";

const CAS1 = { name: "CAS1", address: "10.0.1.20" };
const CAS2 = { name: "CAS2", address: "10.0.1.21" };

test("drain renders weight 0, maintenance `disabled`, ready the weight; every release's HAProxy accepts it", () => {
  const { lb } = fixture({
    servers: [
      { ...CAS1, state: RealServerState.DRAIN },
      { ...CAS2, weight: 50, state: RealServerState.MAINTENANCE },
      { name: "CAS3", address: "10.0.1.22", state: RealServerState.READY },
    ],
  });
  new ImapVip(lb, "CasImap");
  const config = lb.renderHaproxyConfig();
  expect(config).toContain("    server CAS1 10.0.1.20 weight 0 check\n");
  expect(config).toContain("    server CAS2 10.0.1.21 weight 50 disabled check\n");
  expect(config).toContain("    server CAS3 10.0.1.22 weight 100 check\n");
  expect(config).toContain(`    server-state-file ${PATHS.SERVER_STATE}\n`);
  expect(config).toContain("    load-server-state-from-file global\n");
  expectValidHaproxy(config);
});

test("an unknown state is refused, naming the server and the states", () => {
  const { lb } = fixture();
  expect(
    () =>
      new ImapVip(lb, "CasImap", {
        servers: [{ ...CAS1, state: "halted" as RealServerState }],
      }),
  ).toThrow(
    'test/Lb/CasImap: server CAS1 state "halted" is not a real server state. Fix: give one of ready, drain, maintenance (RealServerState)',
  );
});

test("a VIP whose every server is drained or halted is warned of; one ready server is enough", () => {
  const { lb } = fixture();
  const out = new ImapVip(lb, "CasImap", {
    servers: [
      { ...CAS1, state: RealServerState.DRAIN },
      { ...CAS2, state: RealServerState.MAINTENANCE },
    ],
  });
  expect(warningsOf(out)).toEqual([
    expect.stringContaining("no real server of CasImap takes new connections"),
  ]);
  const fine = new CasHttpsVip(lb, "CasWeb", {
    servers: [{ ...CAS1, state: RealServerState.DRAIN }, CAS2],
  });
  expect(warningsOf(fine)).toEqual([]);
});

test("SetServerState and ServerStatus are Command documents named from the load balancer, with outputs", () => {
  const { lb, stack } = fixture();
  new ImapVip(lb, "CasImap");
  const json = synthJson(stack);
  const documents = resourcesOf(json, "aws_ssm_document").filter(
    (d: { name: string }) => !d.name.endsWith("-config"),
  );
  expect(documents.map((d: { name: string }) => d.name).sort()).toEqual([
    "ExchangeLb-test-Lb-ServerStatus",
    "ExchangeLb-test-Lb-SetServerState",
  ]);
  const setState = JSON.parse(
    documents.find((d: { name: string }) => d.name.endsWith("SetServerState")).content,
  );
  expect(setState.mainSteps[0].inputs.runCommand).toContain(
    `${PATHS.SERVER_STATE_PROGRAM} set '{{ server }}' '{{ state }}' '{{ drainSeconds }}'`,
  );
  expect(Number(setState.mainSteps[0].inputs.timeoutSeconds)).toBeGreaterThan(MAX_DRAIN_SECONDS);
  // A node that has not run its config document yet has no program: it says so.
  const guard = setState.mainSteps[0].inputs.runCommand[2];
  expect(guard).toContain(`[ -x ${PATHS.SERVER_STATE_PROGRAM} ] ||`);
  const refused = spawnSync(
    "sh",
    ["-c", guard.replace(PATHS.SERVER_STATE_PROGRAM, "/nonexistent/x")],
    {
      encoding: "utf8",
    },
  );
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain("this node has not run its config document yet");
  expect(Object.keys(json.output).filter((name) => name.includes("Document"))).toHaveLength(2);
});

test("the document's parameters admit names and drain times the program takes, nothing a shell would read", () => {
  const { parameters } = JSON.parse(renderSetServerStateDocument("test/Lb"));
  const server = new RegExp(parameters.server.allowedPattern);
  const seconds = new RegExp(parameters.drainSeconds.allowedPattern);
  expect(["CAS1", "ex-2019.mbx_01", "a:b"].every((name) => server.test(name))).toBe(true);
  expect(["", "CAS1'; reboot", "CAS 1", "$(id)", "-CAS1"].some((name) => server.test(name))).toBe(
    false,
  );
  expect(["0", "300", "86399", "86400"].every((s) => seconds.test(s))).toBe(true);
  expect(["86401", "99999", "-1", "1e3", "300s", ""].some((s) => seconds.test(s))).toBe(false);
  expect(parameters.state.allowedValues).toEqual(["ready", "drain", "maintenance"]);
});

test("every node carries the tag Run Command targets, the load balancer's path its value", () => {
  const { lb, stack } = fixture({
    subnetId: undefined,
    highAvailability: {
      nodes: [
        { subnetId: "subnet-0a1b2c3d", address: "192.168.30.5" },
        { subnetId: "subnet-0a1b2c3d", address: "192.168.30.6" },
      ],
    },
  });
  new ImapVip(lb, "CasImap");
  const tags = resourcesOf(synthJson(stack), "aws_instance").map(
    (instance: { tags: Record<string, string> }) => instance.tags.ExchangeLoadBalancer,
  );
  expect(tags).toEqual(["test/Lb", "test/Lb"]);
});

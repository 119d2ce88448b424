/**
 * The patching runbook (PatchExchangeServer, an SSM Automation document): walked step by step
 * as Automation would for Enter and for Exit, each Run Command step checked against the
 * Command document it names in the same stack (its parameters declared there and accepted by
 * their patterns), its targets the tag every node carries; its own parameters refuse bad input.
 */
import { CasHttpsVip, ExchangeServerScripts, ExchangeVersion } from "../../lib";
import { Json, fixture, resourcesOf, synthJson } from "../support/synth";

type Step = {
  name: string;
  action: string;
  inputs: Json;
  nextStep?: string;
  isEnd?: boolean;
  timeoutSeconds?: number;
};

function synth(version: ExchangeVersion) {
  const { lb, stack } = fixture({ exchangeVersion: version, namespace: "mail.example.com" });
  new CasHttpsVip(lb, "CasHttps");
  new ExchangeServerScripts(lb, "ServerScripts");
  const json = synthJson(stack);
  const documents = resourcesOf(json, "aws_ssm_document");
  return { json, documents, instances: resourcesOf(json, "aws_instance") };
}

const substitute = (value: string, given: Record<string, string>) =>
  value.replace(/\{\{ *(\w+) *\}\}/g, (_, name: string) => given[name]);

/** The Run Command calls Automation makes for these parameters, in order. */
interface Call {
  document: string;
  targets?: Json;
  instances?: string[];
  parameters: Record<string, string>;
}

function walk(steps: Step[], given: Record<string, string>): Call[] {
  const calls: {
    document: string;
    targets?: Json;
    instances?: string[];
    parameters: Record<string, string>;
  }[] = [];
  let step: Step | undefined = steps[0];
  for (let guard = 0; step && guard < 10; guard++) {
    let next: string | undefined = step.nextStep;
    if (step.action === "aws:branch") {
      const choice: Json = step.inputs.Choices.find(
        (c: Json) => substitute(c.Variable, given) === c.StringEquals,
      );
      next = choice?.NextStep;
    } else {
      expect(step.action).toBe("aws:runCommand");
      calls.push({
        document: step.inputs.DocumentName,
        targets: step.inputs.Targets,
        instances: step.inputs.InstanceIds?.map((i: string) => substitute(i, given)),
        parameters: Object.fromEntries(
          Object.entries(step.inputs.Parameters as Record<string, string>).map(([k, v]) => [
            k,
            substitute(v, given),
          ]),
        ),
      });
    }
    if (step.isEnd) break;
    expect(next).toBeDefined();
    step = steps.find((s: Step) => s.name === next);
    expect(step).toBeDefined();
  }
  return calls;
}

describe("2013: drain, then Exchange's maintenance; the reverse", () => {
  const { json, documents, instances } = synth(ExchangeVersion.EXCHANGE_2013);
  const runbook = documents.find((d) => d.document_type === "Automation")!;
  const content = JSON.parse(runbook.content);
  const byName = new Map(documents.map((d) => [d.name, d]));
  const given = { Server: "CAS1", ExchangeInstanceId: "i-0abc12345678def01", DrainSeconds: "600" };

  /** Each call's parameters are the named Command document's, each accepted as SSM would. */
  function expectAccepted(call: Call): void {
    const target = byName.get(call.document);
    expect(target).toBeDefined();
    expect(target!.document_type).toBe("Command");
    const declared = JSON.parse(target!.content).parameters as Record<string, Json>;
    for (const [name, value] of Object.entries(call.parameters)) {
      expect(Object.keys(declared)).toContain(name);
      const spec = declared[name];
      if (spec.allowedPattern) expect(value).toMatch(new RegExp(spec.allowedPattern));
      if (spec.allowedValues) expect(spec.allowedValues).toContain(value);
    }
    for (const [name, spec] of Object.entries(declared)) {
      if (spec.default === undefined) expect(Object.keys(call.parameters)).toContain(name);
    }
  }

  test("Enter: SetServerState drain, then maintenance, on every node (by tag), then Maintenance On on the server", () => {
    expect(runbook.name).toBe("ExchangeLb-test-Lb-PatchExchangeServer");
    expect(content.schemaVersion).toBe("0.3");
    const calls = walk(content.mainSteps, { ...given, Mode: "Enter" });
    expect(calls.map((c) => [c.document, c.parameters])).toEqual([
      [
        "ExchangeLb-test-Lb-SetServerState",
        { server: "CAS1", state: "drain", drainSeconds: "600" },
      ],
      // Halted once drained: its health check stops, so the patching reads as maintenance,
      // not as a server down (no ServerDown alarm each month).
      ["ExchangeLb-test-Lb-SetServerState", { server: "CAS1", state: "maintenance" }],
      ["ExchangeLb-test-Lb-Maintenance", { Mode: "On" }],
    ]);
    calls.forEach(expectAccepted);
    // Every node carries the tag the load balancer's steps target.
    for (const call of calls.slice(0, 2)) {
      const [tag] = call.targets;
      expect(tag.Key).toBe("tag:ExchangeLoadBalancer");
      for (const instance of instances)
        expect(instance.tags.ExchangeLoadBalancer).toBe(tag.Values[0]);
    }
    expect(calls[2].instances).toEqual(["i-0abc12345678def01"]);
    // The drain step outlasts the longest drain; a node that does not take the command fails
    // the step within minutes (TimeoutSeconds is delivery), before Exchange's maintenance.
    const drain = content.mainSteps.find((s: Step) => s.name === "drainOnLoadBalancer");
    expect(drain.timeoutSeconds).toBeGreaterThan(86_400);
    for (const step of content.mainSteps as Step[]) {
      if (step.inputs.Targets) expect(step.inputs.TimeoutSeconds).toBe(600);
    }
  });

  test("Exit: Maintenance Off, then SetServerState ready on every node", () => {
    const calls = walk(content.mainSteps, { ...given, Mode: "Exit" });
    expect(calls.map((c) => [c.document, c.parameters])).toEqual([
      ["ExchangeLb-test-Lb-Maintenance", { Mode: "Off" }],
      ["ExchangeLb-test-Lb-SetServerState", { server: "CAS1", state: "ready" }],
    ]);
    calls.forEach(expectAccepted);
  });

  test("its parameters refuse what they should; every reference is a declared parameter; an output names it", () => {
    const p = content.parameters;
    const accepts = (name: string, value: string) => new RegExp(p[name].allowedPattern).test(value);
    expect(accepts("Server", "CAS1")).toBe(true);
    expect(accepts("Server", "CAS1; reboot")).toBe(false);
    expect(accepts("ExchangeInstanceId", "mi-0123456789abcdef0")).toBe(true);
    expect(accepts("ExchangeInstanceId", "i-xyz")).toBe(false);
    expect(accepts("DrainSeconds", "86401")).toBe(false);
    expect(accepts("AutomationAssumeRole", "")).toBe(true);
    expect(accepts("AutomationAssumeRole", "arn:aws:iam::123456789012:role/patching")).toBe(true);
    expect(p.Mode.allowedValues).toEqual(["Enter", "Exit"]);
    const references = [...runbook.content.matchAll(/\{\{ *(\w+) *\}\}/g)].map(
      (m: string[]) => m[1],
    );
    for (const name of references) expect(Object.keys(p)).toContain(name);
    expect(Object.values(json.output)).toContainEqual(
      expect.objectContaining({ value: expect.stringContaining("PatchExchangeServer") }),
    );
  });
});

test("2010 has no Maintenance document, so no runbook: SetServerState drains there", () => {
  const { documents } = synth(ExchangeVersion.EXCHANGE_2010);
  expect(documents.filter((d) => d.document_type === "Automation")).toEqual([]);
});

/**
 * What each kind of change does to the synthesized Terraform, the basis of the
 * README's "What a change does" table: resources whose planned attributes
 * change, with attributes Terraform ignores (lifecycle.ignore_changes) left
 * out, as `cdktf diff` would show them.
 */
import {
  CasHttpsVip,
  Duration,
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  ImapVip,
  RpcStaticPortVip,
} from "../../lib";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Json, PAIR_PROPS, fixture, resourcesOf, synthJson } from "../support/synth";
import { run, withTempDir } from "../support/tools";

type Change = Partial<ExchangeLoadBalancerProps> & {
  readonly addVips?: (lb: ExchangeLoadBalancer) => void;
};

const PAIR = PAIR_PROPS;

function build(change: Change): Json {
  const { addVips, ...props } = change;
  const { stack, lb } = fixture(props);
  new CasHttpsVip(lb, "CasWeb");
  new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
  addVips?.(lb);
  return synthJson(stack);
}

/** Resource addresses (type.id without the hash) whose non-ignored attributes differ, and how. */
function changes(before: Json, after: Json): Record<string, string> {
  const out: Record<string, string> = {};
  const types = new Set([...Object.keys(before.resource), ...Object.keys(after.resource)]);
  const shortId = (id: string) => id.replace(/_[0-9A-F]{8}$/, "");
  for (const type of types) {
    const a = before.resource[type] ?? {};
    const b = after.resource[type] ?? {};
    for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const key = `${type}.${shortId(id)}`;
      if (!a[id]) out[key] = "create";
      else if (!b[id]) out[key] = "destroy";
      else {
        // Meta-arguments are not planned changes; ignored attributes are not compared.
        const ignored: string[] = [
          "depends_on",
          "lifecycle",
          ...(b[id].lifecycle?.ignore_changes ?? []),
        ];
        const strip = (r: Json) =>
          Object.fromEntries(Object.entries(r).filter(([k]) => !ignored.includes(k)));
        const changed = Object.keys({ ...strip(a[id]), ...strip(b[id]) }).filter(
          (k) => JSON.stringify(a[id][k]) !== JSON.stringify(b[id][k]),
        );
        if (changed.length > 0) out[key] = `update ${changed.sort().join(",")}`;
      }
    }
  }
  return out;
}

const SERVERS = [
  { name: "CAS1", address: "192.168.30.20" },
  { name: "CAS2", address: "192.168.30.21" },
];

describe.each([
  ["one instance", {}],
  ["a pair", PAIR],
])("%s", (_name, base) => {
  const before = build(base);
  const delivered = {
    "aws_ssm_document.Lb_ConfigDelivery_Document": "update content",
  };

  test("changing a weight or the connection limit: only the config document changes", () => {
    for (const change of [
      { servers: [SERVERS[0], { ...SERVERS[1], weight: 50 }] },
      { maxconn: 10000 },
    ]) {
      expect(changes(before, build({ ...base, ...change }))).toEqual(delivered);
    }
  });

  test("adding a server: the config document, egress to the new server on the VIPs' ports, its alarm", () => {
    const after = build({
      ...base,
      servers: [...SERVERS, { name: "CAS3", address: "192.168.30.22" }],
    });
    expect(changes(before, after)).toEqual({
      ...delivered,
      "aws_cloudwatch_dashboard.Lb_Monitoring_Dashboard": "update dashboard_body",
      "aws_cloudwatch_metric_alarm.Lb_Monitoring_ServerDown_CAS3": "create",
      ...Object.fromEntries(
        [80, 135, 443, 60200, 60201].map((port) => [
          `aws_vpc_security_group_egress_rule.Lb_Egress_Egress-${port}-192_168_30_22_32`,
          "create",
        ]),
      ),
    });
  });

  test("adding a VIP: the document and the VIP's security-group rules; no instance is touched", () => {
    const after = build({
      ...base,
      addVips: (lb) => new ImapVip(lb, "CasImap", { address: "192.168.30.11" }),
    });
    const changed = changes(before, after);
    const instanceChanges = Object.entries(changed).filter(([k]) => k.startsWith("aws_instance."));
    // One instance: the new secondary private IP is assigned in place; a pair's master claims it.
    expect(instanceChanges).toEqual(
      "highAvailability" in base && base.highAvailability
        ? []
        : [["aws_instance.Lb_Instance", "update secondary_private_ips"]],
    );
    expect(changed).toMatchObject(delivered);
    expect(Object.keys(changed).filter((k) => k.includes("ClientIngress"))).toEqual([
      "aws_vpc_security_group_ingress_rule.Lb_ClientIngress_Ingress-143-192_168_0_0_16",
      "aws_vpc_security_group_ingress_rule.Lb_ClientIngress_Ingress-993-192_168_0_0_16",
    ]);
    expect(Object.values(changed).filter((v) => v === "destroy")).toEqual([]);
  });

  test("the deploy waits for the rollout unless told not to", () => {
    const wait = (change: Change) =>
      resourcesOf(build({ ...base, ...change }), "aws_ssm_association")[0]
        .wait_for_success_timeout_seconds;
    expect(wait({})).toBe(600);
    expect(wait({ configRolloutTimeout: Duration.minutes(20) })).toBe(1200);
    expect(wait({ waitForConfigRollout: false })).toBeUndefined();
  });
});

test("one instance with an explicit AMI: a new AMI replaces the instance (ami is not ignored)", () => {
  const before = build({ amiId: "ami-0aaa" });
  const after = build({ amiId: "ami-0bbb" });
  expect(changes(before, after)).toEqual({ "aws_instance.Lb_Instance": "update ami" });
});

test("one instance: a new instance type updates it in place (stop, start), and the sized maxconn with it", () => {
  expect(changes(build({}), build({ instanceType: "t3.medium" }))).toEqual({
    "aws_instance.Lb_Instance": "update instance_type",
    "aws_ssm_document.Lb_ConfigDelivery_Document": "update content",
  });
  // With a maxconn prop, nothing but the instance.
  expect(
    changes(build({ maxconn: 9000 }), build({ maxconn: 9000, instanceType: "t3.medium" })),
  ).toEqual({
    "aws_instance.Lb_Instance": "update instance_type",
  });
});

describe("a pair changes hardware one node per deploy", () => {
  const withNodes = (nodes: [object, object], pairLevel: Partial<ExchangeLoadBalancerProps> = {}) =>
    build({
      ...PAIR,
      ...pairLevel,
      highAvailability: {
        ...PAIR.highAvailability!,
        nodes: PAIR.highAvailability!.nodes.map((node, i) => ({ ...node, ...nodes[i] })) as never,
      },
    });
  const baseline = withNodes([{}, {}], { amiId: "ami-0aaa", instanceType: "t3.small" });

  test("a pair-level AMI or instance type changes no running node (the sized maxconn follows the type)", () => {
    expect(changes(baseline, withNodes([{}, {}], { amiId: "ami-0bbb" }))).toEqual({});
    expect(changes(baseline, withNodes([{}, {}], { instanceType: "t3.medium" }))).toEqual({
      "aws_ssm_document.Lb_ConfigDelivery_Document": "update content",
    });
  });

  test("a node's own AMI replaces that node alone; its own instance type updates it alone", () => {
    expect(
      changes(baseline, withNodes([{ amiId: "ami-0bbb" }, {}], { amiId: "ami-0aaa" })),
    ).toEqual({ "aws_instance.Lb_Node-192_168_30_5": "update ami" });
    expect(
      changes(
        baseline,
        withNodes([{}, { instanceType: "t3.medium" }], { instanceType: "t3.small" }),
      ),
    ).toEqual({ "aws_instance.Lb_Node-192_168_30_6": "update instance_type" });
  });

  test("the roll's second step: the first node keeps its new AMI, the second takes it", () => {
    // Step 1 gave node .5 ami-0bbb. Step 2: the pair's AMI is ami-0bbb, node .6 has its own.
    const step1 = withNodes([{ amiId: "ami-0bbb" }, {}], { amiId: "ami-0aaa" });
    const step2 = withNodes([{}, { amiId: "ami-0bbb" }], { amiId: "ami-0bbb" });
    expect(changes(step1, step2)).toEqual({ "aws_instance.Lb_Node-192_168_30_6": "update ami" });
  });

  test.each(["amiId", "instanceType"])("both nodes with their own %s is refused", (setting) => {
    const value = setting === "amiId" ? "ami-0bbb" : "t3.medium";
    expect(() => withNodes([{ [setting]: value }, { [setting]: value }])).toThrow(
      `Lb: both nodes have their own ${setting}, so one deploy would stop or replace both. Fix: roll one node per deploy`,
    );
  });
});

test("the association runs the document on every instance, one at a time, stopping at the first failure", () => {
  const json = build(PAIR);
  const [association] = resourcesOf(json, "aws_ssm_association");
  const [document] = resourcesOf(json, "aws_ssm_document");
  expect(document).toMatchObject({
    name: "ExchangeLb-test-Lb-config",
    document_type: "Command",
    document_format: "JSON",
  });
  expect(association).toMatchObject({
    name: expect.stringMatching(/^\$\{aws_ssm_document\.Lb_ConfigDelivery_Document_\w+\.name\}$/),
    document_version: expect.stringMatching(/\.latest_version\}$/),
    max_concurrency: "1",
    max_errors: "0",
    wait_for_success_timeout_seconds: 600,
    targets: [
      {
        key: "InstanceIds",
        values: [
          expect.stringMatching(/^\$\{aws_instance\.Lb_Node-192_168_30_5_\w+\.id\}$/),
          expect.stringMatching(/^\$\{aws_instance\.Lb_Node-192_168_30_6_\w+\.id\}$/),
        ],
      },
    ],
  });
  // Terraform reads the content literally: no template sequence survives unescaped.
  expect(document.content).not.toMatch(/(^|[^$])\$\{/);
  expect(document.content).not.toMatch(/(^|[^%])%\{/);
});

test("the rollout waits for the security-group paths to the real servers it uses", () => {
  const { stack, lb } = fixture({ serverSecurityGroupId: "sg-0servers" });
  new CasHttpsVip(lb, "CasWeb");
  const json = synthJson(stack);
  const [association] = resourcesOf(json, "aws_ssm_association");
  const paths = [
    ...Object.keys(json.resource.aws_vpc_security_group_egress_rule).filter((id) =>
      /Egress-(80|443)-192_168_30_2[01]_32/.test(id),
    ),
    ...Object.keys(json.resource.aws_vpc_security_group_ingress_rule).filter((id) =>
      id.includes("ServerIngress"),
    ),
  ];
  expect(paths).toHaveLength(6);
  for (const id of paths) {
    expect(association.depends_on).toContainEqual(expect.stringContaining(id));
  }
});

test("every config change waits for the rollout: a changed document replaces the association, and the provider waits only on create", () => {
  const json = build(PAIR);
  const [association] = resourcesOf(json, "aws_ssm_association");
  const [documentId] = Object.keys(json.resource.aws_ssm_document);
  // hashicorp/aws waits for wait_for_success_timeout_seconds in create only (internal/service/ssm/association.go).
  expect(association.lifecycle).toEqual({
    replace_triggered_by: [`aws_ssm_document.${documentId}`],
  });
  expect(association.wait_for_success_timeout_seconds).toBe(600);
  // Terraform itself reads the reference (a provider-free stand-in for the two resources).
  const [reference] = association.lifecycle.replace_triggered_by;
  const data = reference.replace("aws_ssm_document.", "");
  const validate = withTempDir((dir) => {
    const config = {
      resource: {
        terraform_data: {
          [data]: { input: "document" },
          association: {
            input: "association",
            lifecycle: { replace_triggered_by: [`terraform_data.${data}`] },
          },
        },
      },
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config));
    run("terraform", ["init", "-input=false", "-no-color"], { cwd: dir });
    return run("terraform", ["validate", "-no-color"], { cwd: dir });
  });
  expect(validate.output).toContain("The configuration is valid");
});

test("a fleet's source-address count: a new launch template version, so an instance refresh; the document brings the server lines", () => {
  const fleet: Change = {
    subnetId: undefined,
    instanceType: "m6i.large",
    fleet: { subnets: [{ subnetId: "subnet-0aaa" }, { subnetId: "subnet-0bbb" }] },
  };
  const changed = changes(build(fleet), build({ ...fleet, sourceAddresses: 2 }));
  expect(changed).toEqual({
    "aws_launch_template.Lb_LaunchTemplate": "update network_interfaces,vpc_security_group_ids",
    "aws_ssm_document.Lb_ConfigDelivery_Document": "update content",
    // More source ports per real server lift the sized maxconn, and the scaling target with it.
    "aws_autoscaling_policy.Lb_Scaling": "update target_tracking_configuration",
  });
  // The group follows the template's latest version: a new version starts its refresh.
  const [group] = resourcesOf(build(fleet), "aws_autoscaling_group");
  expect(group.launch_template.version).toMatch(/aws_launch_template\.\w+\.latest_version/);
  expect(group.instance_refresh.strategy).toBe("Rolling");
});

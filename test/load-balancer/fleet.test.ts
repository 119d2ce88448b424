/**
 * The fleet (issue 15): an Auto Scaling group of HAProxy nodes behind a Network Load Balancer
 * whose addresses are the VIPs. Every synthesized resource (NLB, its security group, target
 * groups, listeners, launch template, group with instance refresh, scaling policy, the config
 * association by tag), the nodes' haproxy.cfg and user-data (real haproxy -c and cloud-init
 * schema), the receive connector, and each refusal at synth.
 */
import { gunzipSync } from "node:zlib";
import { Lazy } from "cdktf";
import { parse } from "yaml";
import {
  CasHttpsVip,
  ExchangeLoadBalancerProps,
  ExchangeServerScripts,
  ExchangeVersion,
  ImapVip,
  SmtpVip,
} from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { oneNodeAtATime } from "../../lib/load-balancer/fleet-nodes";
import { isAllowed, roleStatements } from "../support/iam";
import { Json, fixture, resourcesOf, sectionOf, synthJson } from "../support/synth";
import { expectValidCloudConfig, expectValidHaproxy } from "../support/tools";

const FLEET: Partial<ExchangeLoadBalancerProps> = {
  subnetId: undefined,
  exchangeVersion: ExchangeVersion.EXCHANGE_2019,
  namespace: "mail.lab.test",
  fleet: {
    subnets: [
      { subnetId: "subnet-0aaa" },
      { subnetId: "subnet-0bbb", vipAddress: "192.168.31.10" },
    ],
  },
};

function fleetStack(overrides: Partial<ExchangeLoadBalancerProps> = {}) {
  const made = fixture({ ...FLEET, ...overrides });
  new CasHttpsVip(made.lb, "CasHttps");
  new ImapVip(made.lb, "CasImap");
  new SmtpVip(made.lb, "CasSmtp", { allowedSources: ["192.168.30.50-60"] });
  return made;
}

const one = (json: Json, type: string): Json => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
};

describe("a fleet of two to four nodes behind an internal NLB", () => {
  const { stack, lb } = fleetStack();
  new ExchangeServerScripts(lb, "ServerScripts");
  const json = synthJson(stack);

  test("no instance of its own: an Auto Scaling group instead", () => {
    expect(resourcesOf(json, "aws_instance")).toEqual([]);
    expect(lb.instances).toEqual([]);
    expect(() => lb.instance).toThrow(
      "test/Lb: a fleet has no instance of its own. Fix: use fleet.autoScalingGroup",
    );
  });

  test("the NLB: internal, cross-zone, its own security group, vipAddress in the first subnet", () => {
    const nlb = one(json, "aws_lb");
    expect(nlb).toMatchObject({
      load_balancer_type: "network",
      internal: true,
      enable_cross_zone_load_balancing: true,
      subnet_mapping: [
        { subnet_id: "subnet-0aaa", private_ipv4_address: "192.168.30.10" },
        { subnet_id: "subnet-0bbb", private_ipv4_address: "192.168.31.10" },
      ],
    });
    expect(nlb.security_groups).toHaveLength(1);
    expect(nlb.security_groups[0]).toMatch(/aws_security_group\.Lb_NlbSecurityGroup/);
  });

  test("a TCP listener and target group per VIP port, checked on the VIP's health path", () => {
    const groups = resourcesOf(json, "aws_lb_target_group");
    const byPort = new Map(groups.map((g: Json) => [g.port, g]));
    expect([...byPort.keys()].sort((a, b) => a - b)).toEqual([25, 80, 143, 443, 993]);
    expect(byPort.get(443)).toMatchObject({
      protocol: "TCP",
      target_type: "instance",
      preserve_client_ip: "true",
      deregistration_delay: "300",
      connection_termination: true,
      health_check: {
        protocol: "HTTP",
        port: "8405",
        path: "/vip/CasHttps",
        matcher: "200",
        interval: 5,
        timeout: 2,
        healthy_threshold: 2,
        unhealthy_threshold: 2,
      },
      lifecycle: { create_before_destroy: true },
      // A check failing for a moment resets no session: an hour to drain.
      target_health_state: [
        { enable_unhealthy_connection_termination: false, unhealthy_draining_interval: 3600 },
      ],
    });
    expect(byPort.get(993).health_check.path).toBe("/vip/CasImap");
    // 2019 balances each connection anew: no stickiness.
    expect(groups.every((g: Json) => g.stickiness === undefined)).toBe(true);
    const listeners = resourcesOf(json, "aws_lb_listener");
    expect(listeners.map((l: Json) => l.port).sort((a: number, b: number) => a - b)).toEqual([
      25, 80, 143, 443, 993,
    ]);
    for (const listener of listeners) {
      expect(listener.protocol).toBe("TCP");
      expect(listener.default_action[0].type).toBe("forward");
    }
  });

  test("the NLB's group: the VIPs' clients in (the SMTP lock-down too), the nodes out; the nodes' group lets its checks in", () => {
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    const onNlb = ingress.filter((r: Json) => /NlbSecurityGroup/.test(r.security_group_id));
    const smtp = onNlb.filter((r: Json) => r.from_port === 25).map((r: Json) => r.cidr_ipv4);
    expect(smtp.sort()).toEqual([
      "192.168.30.50/31",
      "192.168.30.52/30",
      "192.168.30.56/30",
      "192.168.30.60/32",
    ]);
    expect(onNlb.find((r: Json) => r.from_port === 443).cidr_ipv4).toBe("192.168.0.0/16");
    // Client addresses are preserved: the nodes' group keeps the same client rules.
    const onNodes = ingress.filter((r: Json) => /Lb_SecurityGroup_/.test(r.security_group_id));
    expect(onNodes.filter((r: Json) => r.from_port === 25)).toHaveLength(4);
    const checks = onNodes.find((r: Json) => r.from_port === 8405);
    expect(checks.referenced_security_group_id).toMatch(/NlbSecurityGroup/);
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule").filter((r: Json) =>
      /NlbSecurityGroup/.test(r.security_group_id),
    );
    expect(egress.map((r: Json) => r.from_port).sort((a: number, b: number) => a - b)).toEqual([
      25, 80, 143, 443, 993, 8405,
    ]);
    for (const rule of egress)
      expect(rule.referenced_security_group_id).toMatch(/Lb_SecurityGroup_/);
  });

  test("the launch template: Debian, IMDSv2 only, encrypted gp3, the role; config changes are no new version", () => {
    const template = one(json, "aws_launch_template");
    expect(template).toMatchObject({
      instance_type: "t3.small",
      metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
      block_device_mappings: [
        { device_name: "/dev/xvda", ebs: { encrypted: "true", volume_type: "gp3" } },
      ],
      update_default_version: true,
      lifecycle: { ignore_changes: ["user_data", "image_id"] },
    });
    expect(template.image_id).toMatch(/data\.aws_ami\.Lb_Debian13/);
    expect(template.iam_instance_profile.name).toMatch(/aws_iam_instance_profile/);
  });

  test("the group: across the subnets, in every target group, EC2 health, a refresh launching before terminating", () => {
    const group = one(json, "aws_autoscaling_group");
    expect(group).toMatchObject({
      min_size: 2,
      max_size: 4,
      vpc_zone_identifier: ["subnet-0aaa", "subnet-0bbb"],
      health_check_type: "EC2",
      instance_refresh: {
        strategy: "Rolling",
        // One node at a time, launched before the old one leaves: 100 % + 100 % / 4; rolled
        // back when a node fails a VIP's check for 5 minutes.
        preferences: {
          min_healthy_percentage: 100,
          max_healthy_percentage: 125,
          auto_rollback: true,
        },
      },
      tag: [
        { key: "Name", value: "test/Lb/node", propagate_at_launch: true },
        { key: "ExchangeLoadBalancer", value: "test/Lb", propagate_at_launch: true },
      ],
    });
    expect(group.launch_template.version).toMatch(/latest_version/);
    expect(group.instance_refresh.preferences.alarm_specification.alarms).toEqual(
      ["CasHttps", "CasImap", "CasSmtp"].map((vip) =>
        expect.stringMatching(
          new RegExp(
            `^\\$\\{aws_cloudwatch_metric_alarm\\.Lb_NlbListeners_UnhealthyNode_${vip}_\\w+\\.alarm_name\\}$`,
          ),
        ),
      ),
    );
    expect(group.target_group_arns).toHaveLength(5);
    // Its boot's needs first: the agent's policy and the egress to the mirrors; the NLB before
    // a node could take one of its addresses.
    expect(group.depends_on.join(" ")).toMatch(/AgentPolicy.*Egress.*aws_lb\.Lb_Nlb_/);
  });

  test("a new node waits out of service until its config document is applied: the launch hook", () => {
    const group = one(json, "aws_autoscaling_group");
    expect(group).toMatchObject({
      name: "exchange-lb-test-Lb",
      wait_for_capacity_timeout: "0",
      initial_lifecycle_hook: [
        {
          name: "exchange-lb-config-applied",
          lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
          heartbeat_timeout: 900,
          default_result: "ABANDON",
        },
      ],
    });
    // The node knows its group and hook, and has the program that completes its launch.
    const files = parse(lb.renderUserData()).write_files as { path: string; content: string }[];
    const settings = files.find((f) => f.path === PATHS.SETTINGS)!.content;
    expect(settings).toContain('FLEET_GROUP="exchange-lb-test-Lb"');
    expect(settings).toContain('FLEET_HOOK="exchange-lb-config-applied"');
    expect(files.map((f) => f.path)).toContain(PATHS.FLEET_READY_PROGRAM);
    // Its policy exists before the group launches a node.
    expect(group.depends_on.join(" ")).toMatch(/aws_iam_role_policy\.Lb_FleetPolicy/);
  });

  test("the role may complete a launch of its own group, and nothing more", () => {
    const statements = roleStatements(json);
    const group = (name: string) =>
      `arn:aws:autoscaling:eu-west-2:123456789012:autoScalingGroup:6d3c2a1e-aaaa-bbbb-cccc-0123456789ab:autoScalingGroupName/${name}`;
    const may = (action: string, resource: string) => isAllowed(statements, { action, resource });
    expect(may("autoscaling:CompleteLifecycleAction", group("exchange-lb-test-Lb"))).toBe(true);
    expect(may("autoscaling:CompleteLifecycleAction", group("exchange-lb-other"))).toBe(false);
    expect(may("autoscaling:SetInstanceHealth", group("exchange-lb-test-Lb"))).toBe(false);
    expect(
      may("autoscaling:TerminateInstanceInAutoScalingGroup", group("exchange-lb-test-Lb")),
    ).toBe(false);
    const fleet = resourcesOf(json, "aws_iam_role_policy").find((p: Json) =>
      String(p.name_prefix).startsWith("exchange-lb-fleet-"),
    );
    expect(JSON.parse(fleet.policy).Statement).toHaveLength(1);
  });

  test("scaling: the NLB's connections per node in service, kept near half a node's maxconn", () => {
    const policy = one(json, "aws_autoscaling_policy");
    expect(policy.policy_type).toBe("TargetTrackingScaling");
    const tracking = policy.target_tracking_configuration;
    expect(tracking.target_value).toBe(Math.floor(lb.maxconn / 2));
    const metrics = tracking.customized_metric_specification.metrics;
    expect(metrics.map((m: Json) => m.id)).toEqual(["connections", "nodes", "perNode"]);
    expect(metrics[0].metric_stat.metric).toMatchObject({
      namespace: "AWS/NetworkELB",
      metric_name: "ActiveFlowCount",
    });
    expect(metrics[1].metric_stat.metric.metric_name).toBe("GroupInServiceInstances");
    expect(metrics[2]).toMatchObject({ expression: "connections / nodes", return_data: true });
    expect(one(json, "aws_autoscaling_group").enabled_metrics).toEqual(["GroupInServiceInstances"]);
  });

  test("a warning per VIP when a node fails its check for five minutes, from the NLB's metric", () => {
    const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm").filter(
      (a: Json) => a.namespace === "AWS/NetworkELB",
    );
    expect(alarms.map((a: Json) => a.alarm_name).sort()).toEqual(
      ["CasHttps", "CasImap", "CasSmtp"].map(
        (vip) => `test/Lb warning: a node fails the health check of ${vip}`,
      ),
    );
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        metric_name: "UnHealthyHostCount",
        statistic: "Maximum",
        threshold: 1,
        evaluation_periods: 5,
        treat_missing_data: "notBreaching",
      });
      expect(alarm.dimensions.TargetGroup).toMatch(/aws_lb_target_group\..*\.arn_suffix/);
      expect(alarm.dimensions.LoadBalancer).toMatch(/aws_lb\.Lb_Nlb_.*\.arn_suffix/);
    }
  });

  test("the config reaches every node by its tag, one at a time, once the group exists", () => {
    const association = one(json, "aws_ssm_association");
    expect(association.targets).toEqual([{ key: "tag:ExchangeLoadBalancer", values: ["test/Lb"] }]);
    expect(association).toMatchObject({ max_concurrency: "1", max_errors: "0" });
    expect(association.depends_on[0]).toMatch(/aws_autoscaling_group\.Lb_NodeGroup/);
  });

  test("outputs: the NLB's DNS name and the group's name, no instance id", () => {
    const outputs = Object.keys(json.output);
    expect(outputs.some((o) => o.startsWith("Lb_NlbDnsName"))).toBe(true);
    expect(outputs.some((o) => o.startsWith("Lb_AutoScalingGroupName"))).toBe(true);
    expect(outputs.some((o) => o.startsWith("Lb_InstanceId"))).toBe(false);
  });

  test("haproxy.cfg: the VIPs bound on every address, the health endpoint per VIP; both releases accept it", () => {
    const config = lb.renderHaproxyConfig();
    expect(sectionOf(config, "frontend CasImap")).toContain("bind 0.0.0.0:143");
    expect(sectionOf(config, "frontend node_health")).toContain(
      'http-request return status 503 content-type text/plain string "no real server up" if { path /vip/CasImap }',
    );
    expectValidHaproxy(config);
  });

  test("user-data: no VIP address on the node (the NLB holds them); the launch template's is the same text", () => {
    const userData = lb.renderUserData();
    const written = (parse(userData).write_files as { path: string }[]).map((f) => f.path);
    expect(written).toContain(PATHS.HAPROXY_CONFIG);
    expect(written).not.toContain(PATHS.VIP_ADDRESSES_PROGRAM);
    expect(written).not.toContain(PATHS.HAPROXY_VIPS_DROP_IN);
    expectValidCloudConfig(userData);
    const encoded = Buffer.from(one(json, "aws_launch_template").user_data, "base64");
    const text = encoded[0] === 0x1f ? gunzipSync(encoded).toString("utf8") : encoded.toString();
    expect(text).toBe(userData);
  });

  test("the user-data's haproxy.cfg is the document's but for its health endpoint, waiting for the document", () => {
    const boot = (
      parse(lb.renderUserData()).write_files as { path: string; content: string }[]
    ).find((f) => f.path === PATHS.HAPROXY_CONFIG)!.content;
    const current = lb.renderHaproxyConfig();
    const health = sectionOf(boot, "frontend node_health");
    expect(health.split("\n").filter((l) => l.includes("status 503"))).toEqual(
      ["CasHttps", "CasImap", "CasSmtp"].map(
        (vip) =>
          `    http-request return status 503 content-type text/plain string "waiting for the config document" if { path /vip/${vip} }`,
      ),
    );
    expect(health).not.toContain("status 200");
    // Its comment says why; nothing else differs.
    const without = (config: string) =>
      config
        .replace(sectionOf(config, "frontend node_health"), "")
        .split("\n")
        .filter(
          (line) => !/^# (This copy came with the user-data|path answers 503 until)/.test(line),
        );
    expect(without(boot)).toEqual(without(current));
    expectValidHaproxy(boot);
  });

  test("the receive connector allows the fleet's subnets, where its nodes' addresses are", () => {
    const subnets = Object.values(json.data.aws_subnet) as Json[];
    expect(subnets.map((s) => s.id).sort()).toEqual(["subnet-0aaa", "subnet-0bbb"]);
    const connector = resourcesOf(json, "aws_ssm_document").find((d: Json) =>
      String(d.name).endsWith("ReceiveConnector-25"),
    );
    expect(connector.content).toMatch(
      /data\.aws_subnet\.Lb_FleetSubnet-subnet-0aaa_[0-9A-F]+\.cidr_block/,
    );
  });
});

describe("Exchange 2010 on an internet-facing fleet, scaled by CPU", () => {
  const { stack, lb } = fixture({
    subnetId: undefined,
    namespace: "mail.lab.test",
    fleet: {
      scheme: "internet-facing",
      subnets: [
        {
          subnetId: "subnet-0aaa",
          elasticIpAllocationId: "eipalloc-0a1",
          nodeSubnetId: "subnet-0ccc",
        },
      ],
      minNodes: 3,
      maxNodes: 8,
      scaling: { metric: "cpu", target: 40 },
    },
  });
  new CasHttpsVip(lb, "CasHttps");
  // The receive connector reads the nodes' subnets: not the NLB's.
  new ExchangeServerScripts(lb, "ServerScripts");
  const json = synthJson(stack);

  test("source-IP persistence: the NLB keeps a client on one node, whose stick table keeps its server", () => {
    const groups = resourcesOf(json, "aws_lb_target_group");
    expect(groups.map((g: Json) => g.port).sort()).toEqual([443, 80]);
    for (const group of groups) {
      expect(group.stickiness).toEqual({ type: "source_ip", enabled: true });
    }
    // Each node picks a client's real server by a hash of its address: the same on every node.
    const backend = sectionOf(lb.renderHaproxyConfig(), "backend CasHttps");
    expect(backend).toContain("    balance source\n    hash-type consistent\n");
    expect(backend).toContain("stick on src");
  });

  test("the NLB faces the internet at the Elastic IP; the group scales on average CPU", () => {
    expect(one(json, "aws_lb")).toMatchObject({
      internal: false,
      subnet_mapping: [{ subnet_id: "subnet-0aaa", allocation_id: "eipalloc-0a1" }],
    });
    // The nodes in their private subnet, not the NLB's public one.
    expect(one(json, "aws_autoscaling_group")).toMatchObject({
      min_size: 3,
      max_size: 8,
      vpc_zone_identifier: ["subnet-0ccc"],
    });
    expect(Object.values(json.data.aws_subnet).map((s) => (s as Json).id)).toEqual(["subnet-0ccc"]);
    expect(one(json, "aws_autoscaling_policy").target_tracking_configuration).toEqual({
      predefined_metric_specification: { predefined_metric_type: "ASGAverageCPUUtilization" },
      target_value: 40,
    });
  });
});

test("an instance refresh replaces one node a batch, whatever the group's size", () => {
  for (let maxNodes = 1; maxNodes <= 50; maxNodes++) {
    const extra = oneNodeAtATime(maxNodes) - 100;
    expect(extra).toBeGreaterThanOrEqual(1);
    expect(Math.ceil((extra / 100) * maxNodes)).toBe(1);
  }
});

describe("a fleet with source addresses: a count EC2 assigns to each node at launch", () => {
  const { stack, lb } = fleetStack({ sourceAddresses: 2, instanceType: "m6i.large" });
  const json = synthJson(stack);

  test("the launch template's interface asks EC2 for them and carries the nodes' group", () => {
    const template = one(json, "aws_launch_template");
    expect(template.network_interfaces).toEqual([
      {
        device_index: 0,
        ipv4_address_count: 2,
        security_groups: [expect.stringMatching(/aws_security_group\.Lb_SecurityGroup_\w+\.id/)],
        delete_on_termination: "true",
      },
    ]);
    // EC2 refuses groups on the template beside an interface's.
    expect(template.vpc_security_group_ids).toBeUndefined();
  });

  test("haproxy.cfg: each real server has a line per source address, valid for both releases' HAProxy", () => {
    const config = lb.renderHaproxyConfig();
    const imap = sectionOf(config, "backend CasImap");
    for (const line of [2, 3]) {
      expect(imap).toContain(`source "\${EXCHANGE_LB_SOURCE_${line}-0.0.0.0}" track `);
    }
    expectValidHaproxy(config);
  });

  test("every node reads the one line of the delivered list: the count, learnt from IMDS at each start", () => {
    const files = parse(lb.renderUserData()).write_files as { path: string; content: string }[];
    expect(files.find((f) => f.path === PATHS.SOURCE_ADDRESSES_FILE)?.content).toBe("* count=2\n");
    expect(lb.sourceAddresses).toEqual([]);
  });

  test("none given: the template's groups as before, no interface described", () => {
    const plain = one(synthJson(fleetStack().stack), "aws_launch_template");
    expect(plain.network_interfaces).toBeUndefined();
    expect(plain.vpc_security_group_ids).toHaveLength(1);
  });
});

describe("refused at synth, with the fix", () => {
  const fleet = FLEET.fleet!;
  test.each<[string, Partial<ExchangeLoadBalancerProps>, string]>([
    [
      "a pair too",
      {
        highAvailability: {
          nodes: [
            { subnetId: "subnet-0aaa", address: "192.168.30.5" },
            { subnetId: "subnet-0aaa", address: "192.168.30.6" },
          ],
        },
      },
      "highAvailability is given as well as fleet. Fix: choose one topology",
    ],
    [
      "a subnetId",
      { subnetId: "subnet-0aaa" },
      "subnetId is given as well as fleet. Fix: give the subnets in fleet.subnets",
    ],
    [
      "source addresses as a list",
      { sourceAddresses: ["192.168.30.40"] },
      "sourceAddresses is a list on a fleet, whose nodes come and go. Fix: give a count instead, e.g. sourceAddresses: 1: EC2 assigns that many to each node at launch",
    ],
    [
      "a count that is none",
      { sourceAddresses: 1.5 },
      "sourceAddresses 1.5 is not a count. Fix: give a whole number, 0 or more",
    ],
    [
      "a count that is a token",
      { sourceAddresses: Lazy.numberValue({ produce: () => 2 }) },
      "sourceAddresses is a token, but haproxy.cfg's server lines are written at synth time. Fix: give the count as a literal number",
    ],
    [
      "more source addresses than the interface holds",
      { sourceAddresses: 3, instanceType: "t3.micro" },
      "sourceAddresses: 3 addresses, but a t3.micro network interface holds 1 besides its primary address",
    ],
    ["no subnet", { fleet: { subnets: [] } }, "fleet.subnets is empty"],
    [
      "a subnet twice",
      { fleet: { subnets: [{ subnetId: "subnet-0aaa" }, { subnetId: "subnet-0aaa" }] } },
      "fleet.subnets lists subnet-0aaa twice",
    ],
    [
      "a scheme that is none",
      { fleet: { ...fleet, scheme: "public" as never } },
      'fleet.scheme "public" is not a scheme',
    ],
    [
      "a private address on an internet-facing NLB",
      { fleet: { ...fleet, scheme: "internet-facing" } },
      "fleet.subnets[1].vipAddress is given, but an internet-facing NLB takes no private address",
    ],
    [
      "an Elastic IP on an internal NLB",
      { fleet: { subnets: [{ subnetId: "subnet-0aaa", elasticIpAllocationId: "eipalloc-0a1" }] } },
      "fleet.subnets[0].elasticIpAllocationId is given, but an internal NLB has no public address",
    ],
    [
      "a first subnet's address other than vipAddress",
      { fleet: { subnets: [{ subnetId: "subnet-0aaa", vipAddress: "192.168.30.11" }] } },
      "fleet.subnets[0].vipAddress 192.168.30.11 differs from vipAddress 192.168.30.10",
    ],
    [
      "one address in two subnets",
      {
        fleet: {
          subnets: [
            { subnetId: "subnet-0aaa" },
            { subnetId: "subnet-0bbb", vipAddress: "192.168.30.10" },
          ],
        },
      },
      "fleet.subnets gives 192.168.30.10 twice",
    ],
    [
      "an address that is none",
      {
        fleet: {
          subnets: [{ subnetId: "subnet-0aaa" }, { subnetId: "subnet-0bbb", vipAddress: "x" }],
        },
      },
      'fleet.subnets[1].vipAddress "x" is not an IPv4 address',
    ],
    [
      "no node",
      { fleet: { ...fleet, minNodes: 0 } },
      "fleet.minNodes 0 is not a count from 1 to 50",
    ],
    [
      "more at least than at most",
      { fleet: { ...fleet, minNodes: 5, maxNodes: 3 } },
      "fleet.maxNodes 3 is below fleet.minNodes 5",
    ],
    [
      "a metric that is none",
      { fleet: { ...fleet, scaling: { metric: "memory" as never } } },
      'fleet.scaling.metric "memory" is not a metric',
    ],
    [
      "a CPU target past 100 %",
      { fleet: { ...fleet, scaling: { metric: "cpu", target: 120 } } },
      "fleet.scaling.target 120 is not a percent from 1 to 100",
    ],
    [
      "the health endpoint on the admin port",
      { fleet: { ...fleet, healthCheckPort: 8404 } },
      "fleet.healthCheckPort 8404 is the adminPort",
    ],
  ])("%s", (_, overrides, message) => {
    expect(() => fixture({ ...FLEET, ...overrides })).toThrow(`test/Lb: ${message}`);
  });

  test("a VIP at an address of its own, or on the health port", () => {
    const { lb } = fixture(FLEET);
    expect(() => new ImapVip(lb, "Other", { address: "192.168.30.11" })).toThrow(
      "test/Lb/Other: address 192.168.30.11 differs from the fleet's vipAddress 192.168.30.10",
    );
    expect(() => new ImapVip(lb, "OnHealth", { imapPort: 8405 })).toThrow(
      "test/Lb/OnHealth: port 8405 is the fleet's healthCheckPort",
    );
  });
});

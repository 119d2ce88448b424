/**
 * The two example deployments: readable text snapshots of haproxy.cfg, and the
 * real HAProxy and cloud-init accept what the instances would boot with.
 */
import { Testing } from "cdktf";
import { parse } from "yaml";
import { buildAwsLabStack } from "../examples/aws-lab/stack";
import { buildExchange2010Stack } from "../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../examples/exchange-2013/stack";
import { buildExchangeSeFleetStack } from "../examples/exchange-se-fleet/stack";
import { buildExchangeSePairStack } from "../examples/exchange-se-pair/stack";
import { ExchangeLoadBalancer } from "../lib";
import { PATHS } from "../lib/instance/paths";
import { programText } from "../lib/instance/programs";
import { resourcesOf, synthJson } from "./support/synth";
import { expectValidCloudConfig, expectValidHaproxy, expectValidKeepalived } from "./support/tools";

/** The lines of the settings file a user-data writes (`/etc/exchange-lb/settings`). */
function settingsLines(userData: string): string[] {
  const files = parse(userData).write_files as { path: string; content: string }[];
  const settings = files.find((file) => file.path === PATHS.SETTINGS);
  if (!settings) throw new Error(`no ${PATHS.SETTINGS} in the user-data`);
  return settings.content.split("\n");
}

/**
 * Each node of a pair: the real HAProxy (as its peer), keepalived and
 * cloud-init accept what it boots with, and its settings file holds `lines`.
 */
function expectEachNodeAccepted(
  loadBalancer: ExchangeLoadBalancer,
  lines: (node: string, peer: string) => string[],
): void {
  for (const node of loadBalancer.nodeAddresses) {
    const peer = `lb-${node.replace(/\./g, "-")}`;
    expectValidHaproxy(loadBalancer.renderHaproxyConfig(), peer);
    expectValidKeepalived(loadBalancer.renderKeepalivedConfig(node), {
      interfaceFile: PATHS.KEEPALIVED_INTERFACE,
      script: PATHS.FAILOVER_PROGRAM,
      scriptText: programText("failover"),
    });
    const userData = loadBalancer.renderUserData(node);
    expectValidCloudConfig(userData);
    expect(settingsLines(userData)).toEqual(expect.arrayContaining(lines(node, peer)));
  }
}

describe.each([
  ["exchange-2010", buildExchange2010Stack],
  ["exchange-2013", buildExchange2013Stack],
])("%s example", (_name, build) => {
  const { stack, loadBalancer } = build(Testing.app());

  test("haproxy.cfg", () => {
    expect(loadBalancer.renderHaproxyConfig()).toMatchSnapshot();
  });

  test("every supported HAProxy accepts haproxy.cfg", () => {
    expectValidHaproxy(loadBalancer.renderHaproxyConfig());
  });

  test("every supported cloud-init accepts the user-data", () => {
    expectValidCloudConfig(loadBalancer.renderUserData());
  });

  test("security-group rules", () => {
    const rules = (type: string) =>
      resourcesOf(synthJson(stack), type).map(
        (r) =>
          `${r.security_group_id.replace(/_[0-9A-F]{8}\.id/, ".id")} tcp/${r.from_port} ${r.cidr_ipv4 ?? "from load balancer"} ${r.description}`,
      );
    expect({
      ingress: rules("aws_vpc_security_group_ingress_rule"),
      egress: rules("aws_vpc_security_group_egress_rule"),
    }).toMatchSnapshot();
  });
});

test("the 2010 example is guide 001's four VIPs", () => {
  const { loadBalancer } = buildExchange2010Stack(Testing.app());
  expect(loadBalancer.vips.map((vip) => [vip.name, vip.ports.join(",")])).toEqual([
    ["CasWeb", "80,443"],
    ["CasRpc", "135,60200,60201"],
    ["CasImap", "143,993"],
    ["HtSmtp", "25"],
  ]);
});

test("the 2013 example is guide 004's SNAT-mode VIPs plus the HTTP redirect", () => {
  const { loadBalancer } = buildExchange2013Stack(Testing.app());
  expect(
    loadBalancer.vips.map((vip) => [
      vip.name,
      [...vip.ports, ...vip.redirectPorts].map((port) => `${vip.address}:${port}`).join(","),
    ]),
  ).toEqual([
    ["CasHttps", "192.168.30.10:443,192.168.30.10:80"],
    ["CasImap", "192.168.30.10:143,192.168.30.10:993"],
    ["CasPop", "192.168.30.10:110,192.168.30.10:995"],
    ["CasSmtp", "192.168.30.10:25"],
  ]);
});

describe("exchange-se-pair example", () => {
  const { stack, loadBalancer } = buildExchangeSePairStack(Testing.app());
  const json = synthJson(stack);
  const nodes = loadBalancer.nodeAddresses;

  test("haproxy.cfg (the same on both nodes)", () => {
    expect(loadBalancer.renderHaproxyConfig()).toMatchSnapshot();
  });

  test("keepalived.conf of each node", () => {
    expect(nodes.map((node) => loadBalancer.renderKeepalivedConfig(node))).toMatchSnapshot();
  });

  test("HAProxy, keepalived and cloud-init accept what each node boots with", () => {
    expect(nodes).toEqual(["10.0.1.5", "10.0.2.5"]);
    // What the failover program claims the VIPs with, and the name haproxy -c -L checks as.
    expectEachNodeAccepted(loadBalancer, (node, peer) => [
      'PLACEMENT="route-table"',
      `NODE_ADDRESS="${node}"`,
      'ROUTE_TABLES="rtb-0aaa1111 rtb-0bbb2222"',
      `LOCAL_PEER="${peer}"`,
    ]);
  });

  test("security-group rules, routes and the failover policy", () => {
    const rules = (type: string) =>
      resourcesOf(json, type).map(
        (r) =>
          `${r.ip_protocol}/${r.from_port ?? "-"} ${r.cidr_ipv4 ?? (r.referenced_security_group_id === r.security_group_id ? "the pair" : "from load balancer")} ${r.description}`,
      );
    expect({
      ingress: rules("aws_vpc_security_group_ingress_rule"),
      egress: rules("aws_vpc_security_group_egress_rule"),
      routes: resourcesOf(json, "aws_route").map(
        (r) => `${r.route_table_id} ${r.destination_cidr_block}`,
      ),
      policy: JSON.parse(resourcesOf(json, "aws_iam_role_policy")[0].policy),
    }).toMatchSnapshot();
  });
});

describe("exchange-se-fleet example", () => {
  const { stack, loadBalancer } = buildExchangeSeFleetStack(Testing.app());
  const json = synthJson(stack);

  test("haproxy.cfg (the same on every node)", () => {
    expect(loadBalancer.renderHaproxyConfig()).toMatchSnapshot();
  });

  test("HAProxy and cloud-init accept what every node boots with", () => {
    expectValidHaproxy(loadBalancer.renderHaproxyConfig());
    expectValidCloudConfig(loadBalancer.renderUserData());
  });

  test("the NLB's listeners and checks, both security groups' rules", () => {
    const group = (id: string | undefined) =>
      /NlbSecurityGroup/.test(id ?? "")
        ? "NLB"
        : /Lb_SecurityGroup_/.test(id ?? "")
          ? "nodes"
          : "servers";
    const rules = (type: string) =>
      resourcesOf(json, type).map(
        (r) =>
          `${group(r.security_group_id)} ${r.ip_protocol}/${r.from_port} ${r.cidr_ipv4 ?? `${type.includes("egress") ? "to" : "from"} ${group(r.referenced_security_group_id)}`} ${r.description}`,
      );
    expect({
      targetGroups: resourcesOf(json, "aws_lb_target_group").map(
        (g) =>
          `${g.protocol}/${g.port} check ${g.health_check.protocol} :${g.health_check.port}${g.health_check.path}`,
      ),
      ingress: rules("aws_vpc_security_group_ingress_rule"),
      egress: rules("aws_vpc_security_group_egress_rule"),
    }).toMatchSnapshot();
  });
});

describe("aws-lab example", () => {
  const { stack, loadBalancer } = buildAwsLabStack(Testing.app());
  const json = synthJson(stack);

  test("haproxy.cfg (the same on both nodes)", () => {
    expect(loadBalancer.renderHaproxyConfig()).toMatchSnapshot();
  });

  test("HAProxy, keepalived and cloud-init accept what each node boots with", () => {
    expect(loadBalancer.nodeAddresses).toEqual(["10.0.1.5", "10.0.1.6"]);
    expectEachNodeAccepted(loadBalancer, (node, peer) => [
      'PLACEMENT="secondary-ip"',
      `NODE_ADDRESS="${node}"`,
      `LOCAL_PEER="${peer}"`,
    ]);
  });

  test("security-group rules and the failover policy", () => {
    const group = (id: string) =>
      id === "${aws_security_group.ServerSecurityGroup.id}" ? "servers" : "load balancer";
    const rules = (type: string) =>
      resourcesOf(json, type).map(
        (r) =>
          `${group(r.security_group_id)} ${r.ip_protocol}/${r.from_port ?? "-"} ${r.cidr_ipv4 ?? (r.referenced_security_group_id === r.security_group_id ? "the pair" : "from load balancer")} ${r.description}`,
      );
    expect({
      ingress: rules("aws_vpc_security_group_ingress_rule"),
      egress: rules("aws_vpc_security_group_egress_rule"),
      policy: JSON.parse(resourcesOf(json, "aws_iam_role_policy")[0].policy),
    }).toMatchSnapshot();
  });
});

/**
 * The two example deployments: readable text snapshots of haproxy.cfg, and the
 * real HAProxy and cloud-init accept what the instances would boot with.
 */
import { Testing } from "cdktf";
import { buildExchange2010Stack } from "../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../examples/exchange-2013/stack";
import { resourcesOf, synthJson } from "./support/synth";
import { expectValidCloudConfig, expectValidHaproxy } from "./support/tools";

describe.each([
  ["exchange-2010", buildExchange2010Stack],
  ["exchange-2013", buildExchange2013Stack],
])("%s example", (_name, build) => {
  const { stack, loadBalancer } = build(Testing.app());

  test("haproxy.cfg", () => {
    expect(loadBalancer.renderHaproxyConfig()).toMatchSnapshot();
  });

  test("HAProxy 2.6 accepts haproxy.cfg", () => {
    expectValidHaproxy(loadBalancer.renderHaproxyConfig());
  });

  test("cloud-init accepts the user-data", () => {
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
  expect(loadBalancer.vips.map((vip) => [vip.node.id, vip.ports.join(",")])).toEqual([
    ["CasWeb", "80,443"],
    ["CasRpc", "135,60200,60201"],
    ["CasImap", "143,993"],
    ["HtSmtp", "25"],
  ]);
});

test("the 2013 example is guide 004's SNAT-mode VIPs plus the HTTP redirect", () => {
  const { loadBalancer } = buildExchange2013Stack(Testing.app());
  expect(
    loadBalancer.vips.map((vip) => [vip.node.id, vip.binds.map((b) => b.port).join(",")]),
  ).toEqual([
    ["CasHttps", "443,80"],
    ["CasImap", "143,993"],
    ["CasPop", "110,995"],
    ["CasSmtp", "25"],
  ]);
});

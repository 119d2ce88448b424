/**
 * The public API: constructs, value objects and enums (props are types, so
 * they leave no trace at run time). Renderers and internals stay out of it,
 * so they can change without a semver break; the renderers a user's snapshot
 * test needs are reached through the constructs.
 */
import * as api from "../lib";
import { CasHttpsVip, ImapVip } from "../lib";
import { TerraformStack } from "cdktf";
import { fixture, synthJson } from "./support/synth";

test("exports only constructs, value objects, enums and the review document's functions", () => {
  expect(Object.keys(api).sort()).toEqual([
    "BalanceMode",
    "CasHttpsVip",
    "Duration",
    "ExchangeLoadBalancer",
    "ExchangeServerScripts",
    "ExchangeVersion",
    "ExchangeVip",
    "ImapVip",
    "OperatingSystem",
    "Persistence",
    "PopVip",
    "RealServerState",
    "RpcStaticPortVip",
    "SmtpVip",
    "TlsCertificate",
    "VipPlacement",
    "diffReviews",
    "reviewDocument",
    "reviewDocuments",
  ]);
});

test("a VIP's description is data the load balancer holds, and nobody changes after", () => {
  const { lb } = fixture();
  const web = new CasHttpsVip(lb, "CasWeb");
  new ImapVip(lb, "CasImap");
  expect(lb.vips.map((vip) => vip.name)).toEqual(["CasWeb", "CasImap"]);
  expect(lb.vips[0]).toBe(web.description);
  expect(Object.isFrozen(web.description)).toBe(true);
  expect(() => {
    (web.description as { address: string }).address = "10.9.9.9";
  }).toThrow(TypeError);
  expect(lb.renderHaproxyConfig()).toContain("bind 192.168.30.10:443");
});

test("VIPs that share no rule get the same security rules in either order", () => {
  const build = (order: "web-first" | "imap-first") => {
    const { lb } = fixture({ serverSecurityGroupId: "sg-0e1f2a3b" });
    const add = {
      web: () => new CasHttpsVip(lb, "CasWeb"),
      imap: () => new ImapVip(lb, "CasImap"),
    };
    if (order === "web-first") [add.web, add.imap].forEach((f) => f());
    else [add.imap, add.web].forEach((f) => f());
    return lb;
  };
  const rules = (lb: api.ExchangeLoadBalancer) => {
    const json = synthJson(lb.node.scope as TerraformStack);
    return ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"].map(
      (type) => json.resource[type],
    );
  };
  const webFirst = rules(build("web-first"));
  expect(Object.keys(webFirst[0]).length).toBeGreaterThan(4);
  expect(webFirst).toEqual(rules(build("imap-first")));
});

test("a prop changed after the VIP was constructed changes nothing: its description is a deep copy", () => {
  const { lb } = fixture();
  const servers = [{ name: "HT1", address: "192.168.30.22" }];
  const timeouts = { client: api.Duration.minutes(5) };
  new ImapVip(lb, "CasImap", { servers, timeouts });
  const before = lb.renderHaproxyConfig();
  servers[0].address = "10.9.9.9";
  servers.push({ name: "HT2", address: "192.168.30.23" });
  Object.assign(timeouts, { client: api.Duration.minutes(50) });
  expect(lb.renderHaproxyConfig()).toBe(before);
  expect(Object.isFrozen(lb.vips[0].servers[0])).toBe(true);
});

test("the load balancer takes each of its own VIPs once, and no other", () => {
  const { lb } = fixture();
  const web = new CasHttpsVip(lb, "CasWeb");
  expect(() => lb.addVip(web)).toThrow(
    "test/Lb: test/Lb/CasWeb is not a new VIP of this load balancer",
  );
  const other = fixture().lb;
  expect(() => other.addVip(web)).toThrow("is not a new VIP of this load balancer");
  expect(lb.vips).toHaveLength(1);
});

/**
 * The public API: constructs, value objects and enums (props are types, so
 * they leave no trace at run time). Renderers and internals stay out of it,
 * so they can change without a semver break; the renderers a user's snapshot
 * test needs are reached through the constructs.
 */
import * as api from "../lib";
import { CasHttpsVip, ImapVip } from "../lib";
import { fixture } from "./support/synth";

test("exports only constructs, value objects and enums", () => {
  expect(Object.keys(api).sort()).toEqual([
    "BalanceMode",
    "CasHttpsVip",
    "Duration",
    "ExchangeLoadBalancer",
    "ExchangeServerScripts",
    "ExchangeVersion",
    "ExchangeVip",
    "ImapVip",
    "Persistence",
    "PopVip",
    "RpcStaticPortVip",
    "SmtpVip",
    "TlsCertificate",
    "VipPlacement",
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

test("the order VIPs are added in changes their order in haproxy.cfg only, never a security rule", () => {
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
  const rules = (lb: api.ExchangeLoadBalancer) =>
    lb.node
      .findAll()
      .filter((c) => /Ingress|Egress/.test(c.node.path))
      .map((c) => c.node.path)
      .sort();
  expect(rules(build("web-first"))).toEqual(rules(build("imap-first")));
});

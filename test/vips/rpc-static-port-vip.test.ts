import { CasHttpsVip, ExchangeVersion, RpcStaticPortVip } from "../../lib";
import { fixture, resourcesOf, sectionOf, synthJson } from "../support/synth";
import { expectValidHaproxy } from "../support/tools";

describe("RpcStaticPortVip (001 §11 VIP2 CAS-RPC, 003 §3.1)", () => {
  const { lb, stack } = fixture({ serverSecurityGroupId: "sg-0123" });
  new CasHttpsVip(lb, "CasWeb");
  new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60000, addressBookPort: 60001 });
  const cfg = lb.renderHaproxyConfig();

  test("binds 135 and both static ports in one frontend", () => {
    expect(sectionOf(cfg, "frontend CasRpc")).toContain(
      [
        "    bind 192.168.30.10:135",
        "    bind 192.168.30.10:60000",
        "    bind 192.168.30.10:60001",
      ].join("\n"),
    );
  });

  test("one backend: one persistence table for all three ports, all three must answer", () => {
    expect(sectionOf(cfg, "backend CasRpc")).toBe(
      [
        "backend CasRpc",
        "    mode tcp",
        "    balance roundrobin",
        "    stick-table type ip size 100k expire 1h",
        "    stick on src",
        "    option tcp-check",
        "    tcp-check connect port 135",
        "    tcp-check connect port 60000",
        "    tcp-check connect port 60001",
        "    default-server on-marked-down shutdown-sessions",
        "    server CAS1 192.168.30.20 weight 100 check",
        "    server CAS2 192.168.30.21 weight 100 check",
      ].join("\n"),
    );
  });

  test("sessions are shut down when a server is marked down (003 §3.1), not in defaults", () => {
    expect(sectionOf(cfg, "backend CasRpc")).toContain("on-marked-down shutdown-sessions");
    expect(sectionOf(cfg, "defaults")).not.toContain("shutdown-sessions");
  });

  test("the servers' group admits the load balancer on exactly the backend ports", () => {
    const json = synthJson(stack);
    const onServers = resourcesOf(json, "aws_vpc_security_group_ingress_rule").filter(
      (r) => r.security_group_id === "sg-0123",
    );
    expect(onServers.map((r) => r.from_port)).toEqual([135, 443, 60000, 60001, 80]);
    for (const rule of onServers) {
      expect(rule.to_port).toBe(rule.from_port);
      expect(rule.referenced_security_group_id).toMatch(
        /^\$\{aws_security_group\.Lb_SecurityGroup_\w+\.id\}$/,
      );
      expect(rule.cidr_ipv4).toBeUndefined();
    }
  });

  test("every supported HAProxy accepts it", () => expectValidHaproxy(cfg));

  test("the guide's example ports are the default", () => {
    const other = fixture();
    new RpcStaticPortVip(other.lb, "Rpc");
    expect(other.lb.vips[0].ports).toEqual([135, 60200, 60201]);
  });

  test.each([
    ExchangeVersion.EXCHANGE_2013,
    ExchangeVersion.EXCHANGE_2016,
    ExchangeVersion.EXCHANGE_2019,
  ])("is refused for Exchange %s (004 §6)", (exchangeVersion) => {
    const { lb: modern } = fixture({ exchangeVersion });
    expect(() => new RpcStaticPortVip(modern, "CasRpc")).toThrow(
      /^test\/Lb\/CasRpc: RpcStaticPortVip is refused for Exchange 20\d\d\. .*004 §6.*Fix: remove the RpcStaticPortVip/,
    );
    expect(modern.vips).toHaveLength(0);
  });
});

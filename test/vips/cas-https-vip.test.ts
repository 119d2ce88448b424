import { CasHttpsVip, Duration, ExchangeVersion, Persistence } from "../../lib";
import { fixture, resourcesOf, sectionOf, synthJson } from "../support/synth";
import { expectValidHaproxy } from "../support/tools";

describe("CasHttpsVip, Exchange 2010 (001 §11 VIP1 CAS-WEB)", () => {
  const { lb, stack } = fixture();
  new CasHttpsVip(lb, "CasWeb");
  const cfg = lb.renderHaproxyConfig();

  test("one frontend on 80 and 443, TCP mode", () => {
    expect(sectionOf(cfg, "frontend CasWeb")).toBe(
      [
        "frontend CasWeb",
        "    mode tcp",
        "    option tcplog",
        "    bind 192.168.30.10:80",
        "    bind 192.168.30.10:443",
        "    default_backend CasWeb",
      ].join("\n"),
    );
  });

  test("weighted round robin, source-IP persistence 1 h, both ports must accept a connection", () => {
    expect(sectionOf(cfg, "backend CasWeb")).toBe(
      [
        "backend CasWeb",
        "    mode tcp",
        "    balance roundrobin",
        "    stick-table type ip size 100k expire 1h",
        "    stick on src",
        "    option tcp-check",
        "    tcp-check connect port 80",
        "    tcp-check connect port 443",
        "    server CAS1 192.168.30.20 weight 100 check",
        "    server CAS2 192.168.30.21 weight 100 check",
      ].join("\n"),
    );
  });

  test("timeouts 1 h client and server, connect 4 s, redispatch (001 §11 step 1)", () => {
    const defaults = sectionOf(cfg, "defaults");
    expect(defaults).toContain("    timeout client 1h\n");
    expect(defaults).toContain("    timeout server 1h\n");
    expect(defaults).toContain("    timeout connect 4s\n");
    expect(defaults).toContain("    option redispatch\n");
  });

  test("clients reach 80 and 443 from clientCidrs", () => {
    const rules = resourcesOf(synthJson(stack), "aws_vpc_security_group_ingress_rule")
      .filter((r) => r.cidr_ipv4)
      .map((r) => `${r.from_port}-${r.to_port} ${r.cidr_ipv4}`);
    expect(rules).toEqual(["443-443 192.168.0.0/16", "80-80 192.168.0.0/16"]);
  });

  test("every supported HAProxy accepts it", () => expectValidHaproxy(cfg));
});

describe("CasHttpsVip, Exchange 2013+ (004 §11 VIP1 CAS-HTTPS)", () => {
  const { lb, stack } = fixture({
    exchangeVersion: ExchangeVersion.EXCHANGE_2019,
    namespace: "mail.example.com",
  });
  new CasHttpsVip(lb, "CasHttps");
  const cfg = lb.renderHaproxyConfig();

  test("443 forwarded without persistence, HTTPS GET /owa/healthcheck.htm expecting 200", () => {
    expect(sectionOf(cfg, "backend CasHttps")).toBe(
      [
        "backend CasHttps",
        "    mode tcp",
        "    balance roundrobin",
        "    timeout server 1h",
        "    option httpchk",
        "    http-check send meth GET uri /owa/healthcheck.htm ver HTTP/1.1 hdr Host mail.example.com",
        "    http-check expect status 200",
        "    server CAS1 192.168.30.20 weight 100 check port 443 check-ssl check-sni mail.example.com verify none",
        "    server CAS2 192.168.30.21 weight 100 check port 443 check-ssl check-sni mail.example.com verify none",
      ].join("\n"),
    );
    expect(sectionOf(cfg, "frontend CasHttps")).toContain("    bind 192.168.30.10:443\n");
    expect(sectionOf(cfg, "frontend CasHttps")).not.toContain(":80");
  });

  test("port 80 redirects to HTTPS (004 appendix 4)", () => {
    expect(sectionOf(cfg, "frontend CasHttps-redirect")).toBe(
      [
        "frontend CasHttps-redirect",
        "    mode http",
        "    option httplog",
        "    bind 192.168.30.10:80",
        "    http-request redirect scheme https code 301",
      ].join("\n"),
    );
  });

  test("timeouts 30 min for the other VIPs (004 §11)", () => {
    expect(sectionOf(cfg, "defaults")).toContain(
      "    timeout client 30m\n    timeout server 30m\n",
    );
  });

  test("the HTTPS VIP's idle timeouts are 1 h, its sessions kept when a server is marked down", () => {
    expect(sectionOf(cfg, "frontend CasHttps")).toContain("    timeout client 1h\n");
    expect(cfg).toContain("# sessions to a server marked down: kept until they end [003 §3.1]\n");
    expect(sectionOf(cfg, "backend CasHttps")).not.toContain("shutdown-sessions");
  });

  test("clients may reach 80 (the redirect) and 443; the servers only 443", () => {
    const json = synthJson(stack);
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map(
      (r) => r.from_port,
    );
    expect(ingress).toEqual([443, 80]);
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule")
      .filter((r) => r.cidr_ipv4 !== "0.0.0.0/0")
      .map((r) => `${r.from_port} ${r.cidr_ipv4}`);
    expect(egress).toEqual(["443 192.168.30.20/32", "443 192.168.30.21/32"]);
  });

  test("every supported HAProxy accepts it", () => expectValidHaproxy(cfg));
});

describe("CasHttpsVip overrides", () => {
  test("ports, health check path, persistence, timeouts, check timing, servers and address", () => {
    const { lb } = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_2016 });
    new CasHttpsVip(lb, "Web", {
      address: "192.168.30.11",
      httpsPort: 8443,
      httpPort: 8080,
      http: "forward",
      healthCheckPath: "/ecp/healthcheck.htm",
      persistence: Persistence.sourceIp(Duration.minutes(20), "1m"),
      timeouts: {
        client: Duration.minutes(5),
        server: Duration.minutes(6),
        connect: Duration.seconds(2),
      },
      healthCheck: {
        interval: Duration.seconds(5),
        rise: 3,
        fall: 4,
        timeout: Duration.seconds(3),
      },
      servers: [{ name: "EX1", address: "192.168.31.5", weight: 50 }],
    });
    const cfg = lb.renderHaproxyConfig();
    expect(sectionOf(cfg, "frontend Web")).toBe(
      [
        "frontend Web",
        "    mode tcp",
        "    option tcplog",
        "    bind 192.168.30.11:8080",
        "    bind 192.168.30.11:8443",
        "    timeout client 5m",
        "    default_backend Web",
      ].join("\n"),
    );
    expect(sectionOf(cfg, "backend Web")).toBe(
      [
        "backend Web",
        "    mode tcp",
        "    balance roundrobin",
        "    stick-table type ip size 1m expire 20m",
        "    stick on src",
        "    timeout connect 2s",
        "    timeout server 6m",
        "    timeout check 3s",
        "    option httpchk",
        "    http-check send meth GET uri /ecp/healthcheck.htm ver HTTP/1.1 hdr Host 192.168.30.10",
        "    http-check expect status 200",
        "    default-server inter 5s rise 3 fall 4",
        "    server EX1 192.168.31.5 weight 50 check port 8443 check-ssl verify none",
      ].join("\n"),
    );
    expect(cfg).not.toContain("frontend Web-redirect");
    expectValidHaproxy(cfg);
  });

  test("http: none listens on HTTPS only", () => {
    const { lb } = fixture();
    new CasHttpsVip(lb, "Web", { http: "none" });
    const binds = lb.vips.flatMap((vip) =>
      [...vip.ports, ...vip.redirectPorts].map((port) => ({ address: vip.address, port })),
    );
    expect(binds).toEqual([{ address: "192.168.30.10", port: 443 }]);
  });
});

describe("ActiveSync's heartbeat (Microsoft: MaxHeartbeatInterval 3540 s)", () => {
  test.each(Object.values(ExchangeVersion))(
    "Exchange %s: the HTTPS VIP's client and server idle timeouts exceed 3,540 s",
    (exchangeVersion) => {
      const { lb } = fixture({ exchangeVersion });
      new CasHttpsVip(lb, "Web");
      const cfg = lb.renderHaproxyConfig();
      const idle = (section: string, word: string) => {
        const own = new RegExp(`timeout ${word} (\\d+)([hms])\\n`).exec(sectionOf(cfg, section));
        const inherited = new RegExp(`timeout ${word} (\\d+)([hms])\\n`).exec(
          sectionOf(cfg, "defaults"),
        );
        const [, amount, unit] = own ?? inherited!;
        return Number(amount) * { h: 3600, m: 60, s: 1 }[unit as "h" | "m" | "s"];
      };
      expect(idle("frontend Web", "client")).toBeGreaterThan(3540);
      expect(idle("backend Web", "server")).toBeGreaterThan(3540);
    },
  );
});

describe("HTTPS idle timeouts a user sets", () => {
  function warnings(vip: CasHttpsVip): string[] {
    return vip.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
  }

  test("below ActiveSync's heartbeat: a warning, and the note says what the VIP really has", () => {
    const { lb } = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_2019 });
    const vip = new CasHttpsVip(lb, "Web", {
      timeouts: { client: Duration.minutes(20), server: Duration.minutes(25) },
    });
    expect(warnings(vip)).toEqual([
      expect.stringContaining("at or below ActiveSync's longest heartbeat (3540 s)"),
    ]);
    expect(lb.renderHaproxyConfig()).toContain(
      "# idle timeouts client 20 min, server 25 min: at or below ActiveSync's 3540 s heartbeat, so phones shorten theirs",
    );
  });

  test("the defaults: no warning, and the note says 1 h", () => {
    const { lb } = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_2019 });
    const vip = new CasHttpsVip(lb, "Web");
    expect(warnings(vip)).toEqual([]);
    expect(lb.renderHaproxyConfig()).toContain(
      "# idle timeouts 1 h, above ActiveSync's 3540 s heartbeat",
    );
  });
});

import { ExchangeVersion, ImapVip, PopVip, SmtpVip } from "../../lib";
import { fixture, resourcesOf, sectionOf, synthJson } from "../support/synth";
import { expectValidHaproxy } from "../support/tools";

function warnings(construct: { node: { metadata: { type: string; data: unknown }[] } }): string[] {
  return construct.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
}

describe.each([ExchangeVersion.EXCHANGE_2010, ExchangeVersion.EXCHANGE_2013])(
  "mail VIPs on Exchange %s",
  (version) => {
    const { lb } = fixture({ exchangeVersion: version });
    new ImapVip(lb, "CasImap");
    new PopVip(lb, "CasPop");
    new SmtpVip(lb, "Smtp", { allowedSources: ["192.168.30.50"] });
    const cfg = lb.renderHaproxyConfig();

    test("IMAP 143/993, no persistence, '* OK' greeting check (003 §3.1)", () => {
      expect(sectionOf(cfg, "frontend CasImap")).toContain(
        "    bind 192.168.30.10:143\n    bind 192.168.30.10:993\n",
      );
      expect(sectionOf(cfg, "backend CasImap")).toBe(
        [
          "backend CasImap",
          "    mode tcp",
          "    balance roundrobin",
          "    option tcp-check",
          "    tcp-check connect port 143",
          '    tcp-check expect string "* OK"',
          '    tcp-check send "A1 LOGOUT\\r\\n"',
          "    default-server on-marked-down shutdown-sessions",
          "    server CAS1 192.168.30.20 weight 100 check",
          "    server CAS2 192.168.30.21 weight 100 check",
        ].join("\n"),
      );
    });

    test("POP3 110/995, no persistence, '+OK' greeting check", () => {
      expect(sectionOf(cfg, "frontend CasPop")).toContain(
        "    bind 192.168.30.10:110\n    bind 192.168.30.10:995\n",
      );
      expect(sectionOf(cfg, "backend CasPop")).toContain(
        [
          "    option tcp-check",
          "    tcp-check connect port 110",
          "    tcp-check expect string +OK",
          '    tcp-check send "QUIT\\r\\n"',
        ].join("\n"),
      );
      expect(sectionOf(cfg, "backend CasPop")).not.toContain("stick");
    });

    test("SMTP 25, no persistence, 220 greeting then 250 to EHLO (002 §5.4), sessions kept", () => {
      expect(sectionOf(cfg, "backend Smtp")).toContain(
        [
          "    tcp-check connect port 25",
          '    tcp-check expect rstring "^220[ -]"',
          '    tcp-check send "EHLO [192.168.30.10]\\r\\n"',
          '    tcp-check expect rstring "^250[ -]"',
          '    tcp-check send "QUIT\\r\\n"',
        ].join("\n"),
      );
      expect(sectionOf(cfg, "backend Smtp")).not.toContain("stick");
      expect(sectionOf(cfg, "backend Smtp")).not.toContain("shutdown-sessions");
    });

    test("every supported HAProxy accepts it", () => expectValidHaproxy(cfg));
  },
);

describe("SmtpVip lock-down (001 appendix 2, 004 appendix 2)", () => {
  test("allowedSources become the only sources on port 25, ranges as minimal CIDR covers", () => {
    const { lb, stack } = fixture();
    const smtp = new SmtpVip(lb, "HtSmtp", {
      allowedSources: ["192.168.30.50", "192.168.30.50-192.168.30.60", "10.1.0.0/24"],
    });
    const port25 = resourcesOf(synthJson(stack), "aws_vpc_security_group_ingress_rule")
      .filter((r) => r.from_port === 25)
      .map((r) => r.cidr_ipv4);
    expect(port25.sort()).toEqual(
      [
        "10.1.0.0/24",
        "192.168.30.50/31",
        "192.168.30.50/32",
        "192.168.30.52/30",
        "192.168.30.56/30",
        "192.168.30.60/32",
      ].sort(),
    );
    expect(port25).not.toContain("192.168.0.0/16");
    expect(warnings(smtp)).toEqual([]);
  });

  test("without allowedSources SMTP is open to clientCidrs, with a warning", () => {
    const { lb, stack } = fixture();
    const smtp = new SmtpVip(lb, "HtSmtp");
    const port25 = resourcesOf(synthJson(stack), "aws_vpc_security_group_ingress_rule").filter(
      (r) => r.from_port === 25,
    );
    expect(port25.map((r) => r.cidr_ipv4)).toEqual(["192.168.0.0/16"]);
    expect(warnings(smtp)).toEqual([
      expect.stringContaining("SMTP is open to every clientCidrs block"),
    ]);
  });

  test("SMTP open to 0.0.0.0/0 is warned about", () => {
    const { lb } = fixture();
    const smtp = new SmtpVip(lb, "HtSmtp", { allowedSources: ["0.0.0.0/0"] });
    expect(warnings(smtp)).toEqual([expect.stringContaining("SMTP is open to 0.0.0.0/0")]);
  });

  test("separate Hub Transport servers for SMTP", () => {
    const { lb, stack } = fixture();
    new SmtpVip(lb, "HtSmtp", {
      allowedSources: ["192.168.30.50"],
      servers: [{ name: "HT1", address: "192.168.40.20" }],
    });
    expect(sectionOf(lb.renderHaproxyConfig(), "backend HtSmtp")).toContain(
      "    server HT1 192.168.40.20 weight 100 check",
    );
    const egress = resourcesOf(synthJson(stack), "aws_vpc_security_group_egress_rule").map(
      (r) => `${r.from_port} ${r.cidr_ipv4}`,
    );
    expect(egress).toContain("25 192.168.40.20/32");
    expect(egress).not.toContain("25 192.168.30.20/32");
  });
});

describe("SmtpVip submission (002 §5.4)", () => {
  const { lb, stack } = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_2016 });
  new SmtpVip(lb, "Smtp", { allowedSources: ["192.168.30.50"] });
  const submission = new SmtpVip(lb, "Submission", { submission: true });
  const cfg = lb.renderHaproxyConfig();

  test("587 in TCP (STARTTLS end to end), its own 220 + EHLO 250 check on 587, source-IP persistence 1 h", () => {
    expect(sectionOf(cfg, "frontend Submission")).toContain("    mode tcp\n");
    expect(sectionOf(cfg, "frontend Submission")).toContain("    bind 192.168.30.10:587\n");
    expect(sectionOf(cfg, "backend Submission")).toBe(
      [
        "backend Submission",
        "    mode tcp",
        "    balance roundrobin",
        "    stick-table type ip size 100k expire 1h",
        "    stick on src",
        "    option tcp-check",
        "    tcp-check connect port 587",
        '    tcp-check expect rstring "^220[ -]"',
        '    tcp-check send "EHLO [192.168.30.10]\\r\\n"',
        '    tcp-check expect rstring "^250[ -]"',
        '    tcp-check send "QUIT\\r\\n"',
        "    server CAS1 192.168.30.20 weight 100 check",
        "    server CAS2 192.168.30.21 weight 100 check",
      ].join("\n"),
    );
    expect(cfg).toContain("# CAS-SMTP-SUBMISSION: SMTP submission 587, STARTTLS end to end");
    expectValidHaproxy(cfg);
  });

  test("open to the clients without the smart-host warning; inbound SMTP keeps its lock-down", () => {
    expect(warnings(submission)).toEqual([]);
    const ingress = resourcesOf(synthJson(stack), "aws_vpc_security_group_ingress_rule").map(
      (r) => `${r.from_port} ${r.cidr_ipv4}`,
    );
    expect(ingress).toContain("587 192.168.0.0/16");
    expect(ingress.filter((r) => r.startsWith("25 "))).toEqual(["25 192.168.30.50/32"]);
  });
});

describe("IMAPS or POP3S only (the plain port disabled on Exchange)", () => {
  const { lb, stack } = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_2019 });
  new ImapVip(lb, "Imaps", { tlsOnly: true });
  new PopVip(lb, "Pops", { tlsOnly: true });
  const cfg = lb.renderHaproxyConfig();

  test("only the TLS port is forwarded, and checked over TLS: the plain port is never asked", () => {
    expect(sectionOf(cfg, "frontend Imaps")).toContain("    bind 192.168.30.10:993\n");
    expect(sectionOf(cfg, "frontend Imaps")).not.toContain(":143");
    expect(sectionOf(cfg, "backend Imaps")).toContain(
      '    tcp-check connect port 993 ssl\n    tcp-check expect string "* OK"\n',
    );
    expect(sectionOf(cfg, "backend Imaps")).toContain(
      "    server CAS1 192.168.30.20 weight 100 check verify none\n",
    );
    expect(sectionOf(cfg, "backend Pops")).toContain(
      "    tcp-check connect port 995 ssl\n    tcp-check expect string +OK\n",
    );
    expect(cfg).not.toMatch(/port (143|110)\b/);
  });

  test("the servers are reached on 993 and 995 only", () => {
    const ports = resourcesOf(synthJson(stack), "aws_vpc_security_group_egress_rule")
      .filter((r) => r.cidr_ipv4 === "192.168.30.20/32")
      .map((r) => r.from_port);
    expect(ports.sort()).toEqual([993, 995]);
  });

  test("every supported HAProxy accepts it", () => expectValidHaproxy(cfg));
});

test("SMTP's EHLO names the namespace when there is one", () => {
  const { lb } = fixture({ namespace: "mail.example.com" });
  new SmtpVip(lb, "Smtp", { allowedSources: ["192.168.30.50"] });
  expect(lb.renderHaproxyConfig()).toContain('tcp-check send "EHLO mail.example.com\\r\\n"');
});

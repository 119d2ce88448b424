/**
 * The admin port: HAProxy's exporter and read-only stats page on each node's primary address,
 * which the security group opens to `adminCidrs` only. Serving it is proven against the real
 * HAProxy in test/instance/server-state-script.test.ts.
 */
import { parse } from "yaml";
import { CasHttpsVip, ImapVip } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { fixture, resourcesOf, synthJson } from "../support/synth";
import { expectValidHaproxy } from "../support/tools";

type Rule = { from_port: number; to_port: number; cidr_ipv4: string; description: string };

function adminRules(json: unknown): Rule[] {
  return resourcesOf(json, "aws_vpc_security_group_ingress_rule").filter(
    (rule: Rule) => rule.from_port === 8404,
  );
}

test("by default the port listens on the node's primary address and the security group admits nobody", () => {
  const { lb, stack } = fixture();
  new ImapVip(lb, "CasImap");
  const config = lb.renderHaproxyConfig();
  expect(config).toContain(
    [
      "frontend exchange-lb-admin",
      "    mode http",
      "    no log",
      '    bind "${EXCHANGE_LB_SOURCE-127.0.0.1}":8404',
      "    http-request use-service prometheus-exporter if { path /metrics }",
      "    stats enable",
      "    stats uri /stats",
      "    stats refresh 10s",
    ].join("\n"),
  );
  expect(config).not.toContain("stats admin");
  expectValidHaproxy(config);
  expect(adminRules(synthJson(stack))).toEqual([]);
  // The port is a listener: kept out of the ephemeral range.
  const files: { path: string; content: string }[] = parse(lb.renderUserData()).write_files;
  const reserved = files.find((file) => file.path === PATHS.RESERVED_PORTS)!.content;
  expect(reserved).toMatch(/ip_local_reserved_ports = [0-9,]*8404/);
});

test("adminCidrs: one rule per block on the admin port, a repeat once", () => {
  const { lb, stack } = fixture({
    adminCidrs: ["10.0.50.0/24", "10.0.60.5/32", "10.0.50.0/24"],
    adminPort: 9100,
  });
  new ImapVip(lb, "CasImap");
  expect(lb.renderHaproxyConfig()).toContain(":9100\n");
  const rules = resourcesOf(synthJson(stack), "aws_vpc_security_group_ingress_rule").filter(
    (rule: Rule) => rule.from_port === 9100,
  );
  expect(rules.map((r: Rule) => [r.cidr_ipv4, r.to_port])).toEqual([
    ["10.0.50.0/24", 9100],
    ["10.0.60.5/32", 9100],
  ]);
});

test.each([
  [{ adminCidrs: ["10.0.50.0/33"] }, "test/Lb: adminCidrs: "],
  [
    { adminPort: 10000 },
    "test/Lb: adminPort 10000 is not a free TCP port (1024-65535, not the pair's 10000)",
  ],
  [{ adminPort: 22 }, "test/Lb: adminPort 22 is not a free TCP port"],
])("%j is refused", (props, message) => {
  expect(() => fixture(props)).toThrow(message);
});

test("a VIP on the admin port is refused: its clients would reach the admin port too", () => {
  const { lb } = fixture({ adminPort: 8443 });
  expect(() => new CasHttpsVip(lb, "CasWeb", { httpsPort: 8443 })).toThrow(
    "test/Lb/CasWeb: port 8443 is the load balancer's adminPort",
  );
  expect(() => new ImapVip(lb, "exchange-lb-admin")).toThrow(
    'test/Lb/exchange-lb-admin: VIP id "exchange-lb-admin" is the admin port\'s frontend',
  );
});

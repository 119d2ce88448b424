/**
 * What a change to the 2019 (SE) pair example does to its review document: the exact lines it
 * changes and nothing else, and the same change in review terms (diffReviews).
 */
import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  EXCHANGE_SE_PAIR_PROPS as PROPS,
  buildExchangeSePairStack,
} from "../../examples/exchange-se-pair/stack";
import {
  CasHttpsVipProps,
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  PopVip,
  TlsCertificate,
  VipPlacement,
  diffReviews,
} from "../../lib";

function review(
  props: ExchangeLoadBalancerProps = PROPS,
  https: CasHttpsVipProps = {},
  more?: (lb: ExchangeLoadBalancer) => void,
): string {
  const { loadBalancer } = buildExchangeSePairStack(Testing.app(), undefined, props, https);
  more?.(loadBalancer);
  return loadBalancer.renderReview();
}

/** The lines only one side has (each counted as often as it occurs), sorted. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const count = (text: string) => {
    const counts = new Map<string, number>();
    for (const line of text.split("\n")) counts.set(line, (counts.get(line) ?? 0) + 1);
    return counts;
  };
  const [old, now] = [count(before), count(after)];
  const only = (a: Map<string, number>, b: Map<string, number>) =>
    [...a].flatMap(([line, n]) => Array<string>(Math.max(0, n - (b.get(line) ?? 0))).fill(line));
  return { removed: only(old, now).sort(), added: only(now, old).sort() };
}

/** The sections a diff in review terms names. */
function sectionsOf(diff: string): string[] {
  return diff.match(/^== .*$/gm) ?? [];
}

const base = review();
const ha = PROPS.highAvailability!;
const DIGEST = /^ {2}config [0-9a-f]{12} \(a digest of everything it carries\)$/;
const SIZE = /^ {2}Node-10_0_[12]_5: \d+ bytes of EC2's 16384, user_data_base64 gzip \+ base64$/;

/** The changed lines, with the config digest and the user-data sizes checked by shape. */
function exactly(after: string) {
  const { removed, added } = changedLines(base, after);
  const shaped = (lines: string[]) => ({
    digest: lines.filter((line) => DIGEST.test(line)).length,
    sizes: lines.filter((line) => SIZE.test(line)).length,
    lines: lines.filter((line) => !DIGEST.test(line) && !SIZE.test(line)),
  });
  return { removed: shaped(removed), added: shaped(added) };
}

test("a weight: the summary's and haproxy.cfg's server lines, the config digest, the user-data sizes", () => {
  const after = review({
    ...PROPS,
    servers: [PROPS.servers[0], { ...PROPS.servers[1], weight: 50 }],
  });
  const summary = (weight: number) => `    real server EX2 10.0.2.20 weight ${weight}, state ready`;
  const server = (check: string) => `      server EX2 10.0.2.20 weight ${check}`;
  const https = "check port 443 check-ssl check-sni mail.example.com verify none";
  expect(exactly(after)).toEqual({
    removed: {
      digest: 1,
      sizes: 2,
      lines: [
        ...Array(3).fill(summary(100)),
        server(`100 ${https}`),
        ...Array(2).fill(server("100 check")),
      ].sort(),
    },
    added: {
      digest: 1,
      sizes: 2,
      lines: [
        ...Array(3).fill(summary(50)),
        server(`50 ${https}`),
        ...Array(2).fill(server("50 check")),
      ].sort(),
    },
  });
  const diff = diffReviews(base, after);
  expect(diff).toContain("  ~ [backend CasHttps] server EX2 10.0.2.20: weight 100 → 50\n");
  expect(diff).toContain("  ~ [VIP CasImap (CAS-IMAP4)] real server EX2: weight 100 → 50\n");
  expect(sectionsOf(diff)).toEqual([
    "== Summary",
    "== haproxy.cfg",
    "== SSM documents",
    "== User-data",
  ]);
});

test("a widened clientCidrs: the summary's clients and one ingress rule per client port", () => {
  const after = review({ ...PROPS, clientCidrs: ["10.0.0.0/16", "172.16.0.0/12"] });
  expect(changedLines(base, after)).toEqual({
    removed: ["    clients 10.0.0.0/16", "    clients 10.0.0.0/16"],
    added: [
      "    clients 10.0.0.0/16, 172.16.0.0/12",
      "    clients 10.0.0.0/16, 172.16.0.0/12",
      "  SecurityGroup in tcp 143 172.16.0.0/12: CasImap",
      "  SecurityGroup in tcp 443 172.16.0.0/12: CasHttps",
      "  SecurityGroup in tcp 80 172.16.0.0/12: CasHttps",
      "  SecurityGroup in tcp 993 172.16.0.0/12: CasImap",
    ],
  });
  // SMTP keeps its own allowed sources (the guides' lock-down): no rule for the new range.
  expect(diffReviews(base, after)).not.toContain("tcp 25 172.16");
});

test("the VIP placement: a third route table widens the failover policy and adds its route", () => {
  const routeTableIds = ["rtb-0aaa1111", "rtb-0bbb2222", "rtb-0ccc3333"];
  const vipPlacement = VipPlacement.routeTable({ routeTableIds });
  const after = review({ ...PROPS, highAvailability: { ...ha, vipPlacement } });
  const holds = (tables: string) => `    the master holds the VIPs by routes in ${tables}`;
  const arn = "arn:<partition>:ec2:<region>:<account>:route-table/rtb-0ccc3333";
  expect(exactly(after)).toEqual({
    removed: {
      digest: 0,
      sizes: 2,
      lines: [
        holds("rtb-0aaa1111, rtb-0bbb2222"),
        '  ROUTE_TABLES="rtb-0aaa1111 rtb-0bbb2222"',
        "  depends_on: 14 resources",
      ].sort(),
    },
    added: {
      digest: 0,
      sizes: 2,
      lines: [
        "",
        "  destination_cidr_block: 10.100.0.10/32",
        "  lifecycle:",
        "  network_interface_id: <Node-10_0_1_5.primary_network_interface_id>",
        "  route_table_id: rtb-0ccc3333",
        holds("rtb-0aaa1111, rtb-0bbb2222, rtb-0ccc3333"),
        '  ROUTE_TABLES="rtb-0aaa1111 rtb-0bbb2222 rtb-0ccc3333"',
        "  depends_on: 15 resources",
        "      - network_interface_id",
        `    Allow ec2:CreateRoute on ${arn} (PointVipRoutesAtThePair)`,
        `    Allow ec2:ReplaceRoute on ${arn} (PointVipRoutesAtThePair)`,
        "    ignore_changes:",
        "  ! Terraform ignores after creation: network_interface_id",
        "-- aws_route VipRoutes/rtb-0ccc3333-10_100_0_10_32",
      ].sort(),
    },
  });
  // The route tables reach the nodes with their user-data: the diff says how.
  const userData = diffReviews(base, after).split("== User-data\n")[1].split("\n== ")[0];
  expect(userData.split("\n")[0]).toMatch(
    /^ {2}! Read at a node's first boot only .*a change to any other file reaches a node only when it is replaced/,
  );
  const iam = diffReviews(base, after).split("== IAM\n")[1].split("\n== ")[0];
  expect(iam).toBe(
    [
      "  ! Applied by cdktf deploy: the nodes' role has it within seconds.",
      "-- aws_iam_role_policy FailoverPolicy/Policy",
      `  + [policy:] Allow ec2:CreateRoute on ${arn} (PointVipRoutesAtThePair)`,
      `  + [policy:] Allow ec2:ReplaceRoute on ${arn} (PointVipRoutesAtThePair)`,
    ].join("\n"),
  );
});

test("a new certificate parameter: the role may read it, and the IAM section says so", () => {
  const certificate = TlsCertificate.fromSsmParameter("/exchange/tls/mail");
  const after = review(PROPS, { tls: "bridge", certificate });
  const { added, removed } = changedLines(base, after);
  const iamLines = (text: string) => text.split("== IAM\n")[1].split("\n== Security groups")[0];
  const iamAdded = changedLines(iamLines(base), iamLines(after));
  expect(iamAdded.removed).toEqual([]);
  expect(iamAdded.added).toEqual(
    [
      "",
      "  name_prefix: exchange-lb-certificates-",
      "  policy:",
      "  role: <InstanceRole/Role.id>",
      "    Allow ssm:GetParameter on arn:<partition>:ssm:<region>:<account>:parameter/exchange/tls/mail (ReadCertificateParameters)",
      "-- aws_iam_role_policy CertificatePolicy/Policy",
    ].sort(),
  );
  expect(added).toContain(
    "    TLS terminated (bridge), certificate ssm /exchange/tls/mail, the servers' certificates not verified",
  );
  expect(removed).toContain("    TLS passed through to the real servers");
  const diff = diffReviews(base, after);
  expect(diff).toContain("-- aws_iam_role_policy CertificatePolicy/Policy (new)\n");
  expect(sectionsOf(diff)).toContain("== IAM");
});

test("an added real server: its lines in every VIP, its egress rules, its alarm", () => {
  const servers = [...PROPS.servers, { name: "EX3", address: "10.0.3.20" }];
  const after = review({ ...PROPS, servers });
  const { removed, added } = exactly(after);
  expect(removed.lines).toEqual(["  depends_on: 14 resources"]);
  expect(added.lines.filter((line) => /EX3|10\.0\.3\.20|10_0_3_20/.test(line))).toEqual(
    [
      ...Array(3).fill("    real server EX3 10.0.3.20 weight 100, state ready"),
      "      server EX3 10.0.3.20 weight 100 check port 443 check-ssl check-sni mail.example.com verify none",
      ...Array(2).fill("      server EX3 10.0.3.20 weight 100 check"),
      ...["143", "25", "443", "993"].map(
        (port) => `  SecurityGroup out tcp ${port} 10.0.3.20/32: EX3`,
      ),
      // The dashboard: the server's sessions, health, drain and maintenance in each backend.
      ...["CasHttps", "CasImap", "CasSmtp"].flatMap((backend) => [
        `    ExchangeLoadBalancer CurrentSessions LoadBalancer=exchange-se-pair/Lb Backend=${backend} Server=EX3 (EX3)`,
        `    ExchangeLoadBalancer ServerDown LoadBalancer=exchange-se-pair/Lb Server=EX3 (EX3 down)`,
        `    ExchangeLoadBalancer ServerDraining LoadBalancer=exchange-se-pair/Lb Backend=${backend} Server=EX3 (EX3 drained)`,
        `    ExchangeLoadBalancer ServerInMaintenance LoadBalancer=exchange-se-pair/Lb Backend=${backend} Server=EX3 (EX3 in maintenance)`,
      ]),
      "    alarm <Monitoring/ServerDown_EX3.arn>",
      "-- aws_cloudwatch_metric_alarm Monitoring/ServerDown_EX3",
      "  alarm_description: warning: Real server EX3 fails a health check of at least one backend; the others take its clients. The dashboard shows which.",
      "  alarm_name: exchange-se-pair/Lb warning: EX3 fails its health check",
      "    Server: EX3",
    ].sort(),
  );
  expect(sectionsOf(diffReviews(base, after))).toEqual([
    "== Summary",
    "== haproxy.cfg",
    "== SSM documents",
    "== User-data",
    "== Security groups",
    "== Resources",
    "== Alarms and dashboards",
  ]);
  expect(diffReviews(base, after)).toMatchSnapshot();
});

test("an added VIP: its summary, its haproxy.cfg sections, its rules, its alarm", () => {
  const after = review(PROPS, {}, (lb) => new PopVip(lb, "CasPop"));
  const { removed, added } = exactly(after);
  expect(removed.lines.filter((line) => line.trim() !== "")).toEqual([
    "  depends_on: 14 resources",
  ]);
  expect(added.lines).toEqual(
    expect.arrayContaining([
      "  VIP CasPop (CAS-POP3)",
      "    listens 10.100.0.10:110",
      "    listens 10.100.0.10:995",
      "  frontend CasPop",
      "  backend CasPop",
      "  SecurityGroup in tcp 110 10.0.0.0/16: CasPop",
      "  SecurityGroup in tcp 995 10.0.0.0/16: CasPop",
      "-- aws_cloudwatch_metric_alarm Monitoring/NoHealthyServer_CasPop",
    ]),
  );
  expect(diffReviews(base, after)).toMatchSnapshot();
});

test("the README's example diff is this example's, line for line (shortened, never changed)", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  const example = readme.split("A weight halved and a third route table")[1].split("```")[1];
  const routeTableIds = ["rtb-0aaa1111", "rtb-0bbb2222", "rtb-0ccc3333"];
  const after = review({
    ...PROPS,
    servers: [PROPS.servers[0], { ...PROPS.servers[1], weight: 50 }],
    highAvailability: { ...ha, vipPlacement: VipPlacement.routeTable({ routeTableIds }) },
  });
  const lines = diffReviews(base, after).split("\n");
  const shown = example.split("\n").filter((line) => line !== "");
  expect(shown.length).toBeGreaterThan(20);
  expect(shown.filter((line) => !lines.includes(line))).toEqual([]);
  // In the same order.
  const at = shown.map((line) => lines.indexOf(line));
  expect([...at].sort((a, b) => a - b)).toEqual(at);
});

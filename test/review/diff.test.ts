import { diffReviews } from "../../lib/review/diff";
import { diffLines } from "../../lib/review/line-diff";

const HEADER = [
  "# Exchange load balancer exchange-se-pair/Lb: review document",
  "# Read before deploying.",
];
const HAPROXY = [
  "== haproxy.cfg",
  "-- /etc/haproxy/haproxy.cfg (every node)",
  "  global",
  "    log /dev/log local0",
  "",
  "  defaults",
  "    timeout connect 5s",
  "",
  "  backend CasHttps",
  "      balance roundrobin",
  "      server EX1 10.0.1.10 weight 100 check port 443",
  "      server EX2 10.0.2.20 weight 100 check port 443",
];
const IAM = [
  "== IAM",
  "-- policy FailoverPolicy/Policy on role InstanceRole/Role",
  "  Allow ec2:ReplaceRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0aaa1111",
  "  Allow ec2:DescribeRouteTables on *",
];
const BASE = [...HEADER, "== Summary", "  Two nodes, one virtual IP.", "", ...HAPROXY, "", ...IAM];

const doc = (lines: readonly string[]) => `${lines.join("\n")}\n`;

/** BASE with the line equal to `from` replaced by `to` (none: removed). */
function edited(from: string, ...to: string[]): string[] {
  const at = BASE.indexOf(from);
  if (at < 0) throw new Error(`no line ${from}`);
  return [...BASE.slice(0, at), ...to, ...BASE.slice(at + 1)];
}

const diff = (after: readonly string[], before: readonly string[] = BASE) =>
  diffReviews(doc(before), doc(after));

const EX1 = "      server EX1 10.0.1.10 weight 100 check port 443";
const EX2 = "      server EX2 10.0.2.20 weight 100 check port 443";
const CFG = ["== haproxy.cfg", "-- /etc/haproxy/haproxy.cfg (every node)"];

describe("diffReviews", () => {
  test("identical documents show no change", () => {
    expect(diff(BASE)).toBe("No change in review terms.\n");
  });

  test("the header lines are not compared", () => {
    expect(diff(["# Exchange load balancer other/Lb: review document", ...BASE.slice(1)])).toBe(
      "No change in review terms.\n",
    );
  });

  test("a changed weight shows as old → new under its backend", () => {
    const after = edited(EX2, "      server EX2 10.0.2.20 weight 50 check port 443");
    expect(diff(after)).toBe(
      doc([...CFG, "  ~ [backend CasHttps] server EX2 10.0.2.20: weight 100 → 50"]),
    );
  });

  test("several changed positions are listed, labelled by the token before them", () => {
    const after = edited(EX2, "      server EX2 10.0.2.20 weight 50 check port 8443");
    expect(diff(after)).toBe(
      doc([
        ...CFG,
        "  ~ [backend CasHttps] server EX2 10.0.2.20: weight 100 → 50, port 443 → 8443",
      ]),
    );
  });

  test("no label inside the key; a run of changed words is one change", () => {
    const after = edited("    timeout connect 5s", "    timeout connect 10s");
    expect(diff(after)).toBe(doc([...CFG, "  ~ [defaults] timeout connect: 5s → 10s"]));
    const before = edited(EX2, "      server EX2 10.0.2.20 weight 100 check port 443 off off");
    const twice = edited(EX2, "      server EX2 10.0.2.20 weight 100 check port 443 on on");
    expect(diff(twice, before)).toBe(
      doc([...CFG, "  ~ [backend CasHttps] server EX2 10.0.2.20: 443 off off → on on"]),
    );
  });

  test("a removed line takes its context from the before document", () => {
    const after = edited("  backend CasHttps", "  backend Cas2").filter((line) => line !== EX1);
    expect(diff(after)).toBe(
      doc([
        ...CFG,
        "  ~ backend: CasHttps → Cas2",
        "  - [backend CasHttps] server EX1 10.0.1.10 weight 100 check port 443",
      ]),
    );
  });

  test("an added server shows with its backend as context", () => {
    const after = edited(EX2, EX2, "      server EX3 10.0.3.30 weight 100 check port 443");
    expect(diff(after)).toBe(
      doc([...CFG, "  + [backend CasHttps] server EX3 10.0.3.30 weight 100 check port 443"]),
    );
  });

  test("a removed server line shows with its backend as context", () => {
    expect(diff(edited(EX1))).toBe(
      doc([...CFG, "  - [backend CasHttps] server EX1 10.0.1.10 weight 100 check port 443"]),
    );
  });

  test("a line changed in too many tokens shows as removed, then added", () => {
    const after = edited(EX2, "      server EX2 10.0.9.99 weight 10 check port 8443");
    expect(diff(after)).toBe(
      doc([
        ...CFG,
        "  - [backend CasHttps] server EX2 10.0.2.20 weight 100 check port 443",
        "  + [backend CasHttps] server EX2 10.0.9.99 weight 10 check port 8443",
      ]),
    );
  });

  test("in a hunk, unpaired removals come first, then pairs and additions in after-order", () => {
    const after = edited(
      EX1,
      "      server EX0 10.0.0.5 weight 100 check port 80",
      "      server EX1 10.0.1.10 weight 1 check port 443",
      "      server EX9 10.0.9.9 weight 100 check port 80",
    ).filter((line) => line !== EX2);
    expect(diff(after)).toBe(
      doc([
        ...CFG,
        "  - [backend CasHttps] server EX2 10.0.2.20 weight 100 check port 443",
        "  + [backend CasHttps] server EX0 10.0.0.5 weight 100 check port 80",
        "  ~ [backend CasHttps] server EX1 10.0.1.10: weight 100 → 1",
        "  + [backend CasHttps] server EX9 10.0.9.9 weight 100 check port 80",
      ]),
    );
  });

  test("a new block and a removed block list all their lines", () => {
    const after = [
      ...BASE.slice(0, BASE.indexOf(IAM[1])),
      "-- policy RoutePolicy/Policy on role InstanceRole/Role",
      "  Allow ec2:CreateRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0ccc3333",
      "    Condition: tagged exchange-lb",
    ];
    expect(diff(after)).toBe(
      doc([
        "== IAM",
        "-- policy RoutePolicy/Policy on role InstanceRole/Role (new)",
        "  + Allow ec2:CreateRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0ccc3333",
        "  + [Allow ec2:CreateRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0ccc3333] Condition: tagged exchange-lb",
        "-- policy FailoverPolicy/Policy on role InstanceRole/Role (removed)",
        "  - Allow ec2:ReplaceRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0aaa1111",
        "  - Allow ec2:DescribeRouteTables on *",
      ]),
    );
  });

  test("an added IAM statement has no context", () => {
    const after = [
      ...BASE,
      "  Allow ec2:CreateRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0ccc3333",
    ];
    expect(diff(after)).toBe(
      doc([
        "== IAM",
        "-- policy FailoverPolicy/Policy on role InstanceRole/Role",
        "  + Allow ec2:CreateRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0ccc3333",
      ]),
    );
  });

  test("a new section lists everything, and a removed section too", () => {
    const before = [...HEADER, ...HAPROXY, "", ...IAM];
    const after = [...HEADER, "== Alarms", "  Two alarms.", "-- node A", "  cpu > 80%", ...HAPROXY];
    expect(diff(after, before)).toBe(
      doc([
        "== Alarms (new)",
        "  + Two alarms.",
        "-- node A (new)",
        "  + cpu > 80%",
        "== IAM (removed)",
        "-- policy FailoverPolicy/Policy on role InstanceRole/Role (removed)",
        "  - Allow ec2:ReplaceRoute on arn:<partition>:ec2:<region>:<account>:route-table/rtb-0aaa1111",
        "  - Allow ec2:DescribeRouteTables on *",
      ]),
    );
  });

  test("loose section content before the first block is compared", () => {
    const after = edited("  Two nodes, one virtual IP.", "  Two nodes, two virtual IPs.");
    expect(diff(after)).toBe(
      doc(["== Summary", "  - Two nodes, one virtual IP.", "  + Two nodes, two virtual IPs."]),
    );
    const changed = edited("  Two nodes, one virtual IP.", "  Two nodes, one virtual IP?");
    expect(diff(changed)).toBe(doc(["== Summary", "  ~ Two nodes, one: virtual IP. → IP?"]));
  });

  test("blank lines are never reported on their own", () => {
    expect(diff(BASE.filter((line) => line !== ""))).toBe("No change in review terms.\n");
    expect(diff(edited(EX1, "", EX1, "", "", "      server EX5 10.0.5.5 weight 1 check"))).toBe(
      doc([...CFG, "  + [backend CasHttps] server EX5 10.0.5.5 weight 1 check"]),
    );
  });

  test("the output is deterministic for an ambiguous alignment", () => {
    const block = (lines: string[]) => doc(["== S", "-- b", ...lines]);
    const before = block(["  a", "  b", "  a", "  b"]);
    const after = block(["  b", "  a", "  b", "  a"]);
    const once = diffReviews(before, after);
    expect(once).toBe(doc(["== S", "-- b", "  ~ moved: a"]));
    expect(diffReviews(before, after)).toBe(once);
  });
});

describe("large blocks", () => {
  const servers = (count: number) =>
    Array.from({ length: count }, (_, i) => `      server S${i} 10.1.${i >> 8}.${i & 255} check`);
  const block = (lines: string[]) => doc(["== haproxy.cfg", "-- big", "  backend Big", ...lines]);

  test("one change in the middle of 1,500 lines is one change", () => {
    const before = servers(1500);
    const after = [...before];
    after[750] = "      server S750 10.1.2.238 disabled";
    const out = diffReviews(block(before), block(after));
    expect(out).toBe(
      doc([
        "== haproxy.cfg",
        "-- big",
        "  ~ [backend Big] server S750 10.1.2.238: check → disabled",
      ]),
    );
  });

  test("changes at both ends of 1,500 lines go through the full table", () => {
    const before = servers(1500);
    const after = ["      server NEW 10.9.9.9 check", ...before.slice(1, -1)];
    const out = diffReviews(block(before), block(after));
    expect(out).toBe(
      doc([
        "== haproxy.cfg",
        "-- big",
        "  - [backend Big] server S0 10.1.0.0 check",
        "  + [backend Big] server NEW 10.9.9.9 check",
        "  - [backend Big] server S1499 10.1.5.219 check",
      ]),
    );
  });

  test("a middle over the table limit is reported whole", () => {
    const before = servers(6000);
    const after = before.map((line) => `${line} inter 2s`);
    const hunks = diffLines(before, after);
    expect(hunks).toHaveLength(1);
    expect(hunks[0].removed).toHaveLength(6000);
    expect(hunks[0].added).toHaveLength(6000);
    const out = diffReviews(block(before), block(after)).split("\n");
    expect(out).toHaveLength(2 + 12000 + 1);
    expect(out[2]).toBe("  - [backend Big] server S0 10.1.0.0 check");
    expect(out[6002]).toBe("  + [backend Big] server S0 10.1.0.0 check inter 2s");
  });
});

describe("diffLines", () => {
  test("finds the shortest edit between two line lists", () => {
    expect(diffLines(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"])).toEqual([
      { removed: [1], added: [1] },
      { removed: [], added: [4] },
    ]);
    expect(diffLines(["a", "b"], ["a", "b"])).toEqual([]);
  });
});

describe("diffReviews, as reviewers read it", () => {
  const server = (name: string, address: string, weight: number) =>
    `      server ${name} ${address} weight ${weight} check port 443`;

  test("a removed server next to a changed weight pairs the changed line with its own server", () => {
    const after = edited(server("EX1", "10.0.1.10", 100)).map((line) =>
      line === server("EX2", "10.0.2.20", 100) ? server("EX2", "10.0.2.20", 50) : line,
    );
    expect(diff(after)).toBe(
      [
        "== haproxy.cfg",
        "-- /etc/haproxy/haproxy.cfg (every node)",
        "  - [backend CasHttps] server EX1 10.0.1.10 weight 100 check port 443",
        "  ~ [backend CasHttps] server EX2 10.0.2.20: weight 100 → 50",
        "",
      ].join("\n"),
    );
  });

  test("a line that only moved says so, not a removal and the same addition", () => {
    const ex1 = server("EX1", "10.0.1.10", 100);
    const ex2 = server("EX2", "10.0.2.20", 100);
    const after = BASE.map((line) => (line === ex1 ? ex2 : line === ex2 ? ex1 : line));
    expect(diff(after)).toContain("  ~ [backend CasHttps] moved: server EX");
    expect(diff(after)).not.toMatch(/^ {2}[-+] /m);
  });

  test("policy statements and rule rows are records: changed, one goes and one comes", () => {
    const arn = "arn:<partition>:ec2:<region>:<account>:route-table/rtb-0";
    const before = [
      ...HEADER,
      "== IAM",
      "-- p",
      "  policy:",
      `    Allow ec2:CreateRoute on ${arn}aaa (S)`,
    ];
    const after = [
      ...HEADER,
      "== IAM",
      "-- p",
      "  policy:",
      `    Allow ec2:CreateRoute on ${arn}bbb (S)`,
    ];
    expect(diff(after, before)).toBe(
      [
        "== IAM",
        "-- p",
        `  - [policy:] Allow ec2:CreateRoute on ${arn}aaa (S)`,
        `  + [policy:] Allow ec2:CreateRoute on ${arn}bbb (S)`,
        "",
      ].join("\n"),
    );
    const row = (peer: string) => `  SecurityGroup in tcp 443 ${peer}: CasHttps`;
    const table = (peer: string) => [...HEADER, "== Security groups", "-- rules: group", row(peer)];
    expect(diff(table("0.0.0.0/0"), table("10.0.0.0/16"))).toContain(
      `  + ${row("0.0.0.0/0").trim()}`,
    );
  });

  test("a key's own colon is not doubled, and a section's notes head its changes", () => {
    const resource = (type: string) => [
      ...HEADER,
      "== Resources",
      "  ! Kept after creation.",
      "-- aws_instance Node",
      `  instance_type: ${type}`,
    ];
    expect(diff(resource("m5.large"), resource("t3.small"))).toBe(
      [
        "== Resources",
        "  ! Kept after creation.",
        "-- aws_instance Node",
        "  ~ instance_type: t3.small → m5.large",
        "",
      ].join("\n"),
    );
  });

  test("a removed section lists its loose lines", () => {
    const before = [...HEADER, "== Outputs", "  Lb_VipAddresses: Addresses", "    - 10.0.0.10"];
    expect(diff(HEADER, before)).toBe(
      [
        "== Outputs (removed)",
        "  - Lb_VipAddresses: Addresses",
        "  - [Lb_VipAddresses: Addresses] - 10.0.0.10",
        "",
      ].join("\n"),
    );
  });
});

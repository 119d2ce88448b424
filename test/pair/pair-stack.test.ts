/**
 * The clustered pair as synthesized Terraform: two instances, VRRP and peers
 * allowed between the pair only, an instance role that may move exactly the
 * pair's VIPs, and per-node boot files that the real tools accept.
 */
import { parse } from "yaml";
import {
  CasHttpsVip,
  ExchangeLoadBalancerProps,
  ExchangeVersion,
  ImapVip,
  SmtpVip,
  VipPlacement,
} from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { programText } from "../../lib/instance/programs";
import {
  Json,
  PAIR_PROPS,
  fixture,
  resourcesOf,
  rolePolicy,
  sectionOf,
  synthJson,
} from "../support/synth";
import {
  expectValidCloudConfig,
  expectValidHaproxy,
  expectValidKeepalived,
  keepalivedCheck,
  run,
  withTempDir,
} from "../support/tools";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const KEEPALIVED_PATHS = {
  interfaceFile: PATHS.KEEPALIVED_INTERFACE,
  script: PATHS.FAILOVER_PROGRAM,
  scriptText: programText("failover"),
};

/** The files a user-data writes, by path. */
function userDataFiles(userData: string): Record<string, string> {
  return Object.fromEntries(
    (parse(userData).write_files as { path: string; content: string }[]).map((f) => [
      f.path,
      f.content,
    ]),
  );
}

/** The lines of a node's settings file (PATHS.SETTINGS), which its programs source. */
function settingsLines(userData: string): string[] {
  const settings = userDataFiles(userData)[PATHS.SETTINGS];
  if (settings === undefined) throw new Error(`no ${PATHS.SETTINGS} in the user-data`);
  return settings.split("\n");
}

const NODES = [
  { subnetId: "subnet-0aaa", address: "10.0.1.5" },
  { subnetId: "subnet-0bbb", address: "10.0.2.5" },
] as const;

const CROSS_AZ: Partial<ExchangeLoadBalancerProps> = {
  exchangeVersion: ExchangeVersion.EXCHANGE_2013,
  subnetId: undefined,
  vipAddress: "100.64.10.10",
  clientCidrs: ["10.0.0.0/16"],
  servers: [
    { name: "CAS1", address: "10.0.1.20" },
    { name: "CAS2", address: "10.0.2.20" },
  ],
  highAvailability: {
    nodes: NODES,
    vipPlacement: VipPlacement.routeTable({ routeTableIds: ["rtb-0a", "rtb-0b"] }),
  },
};

const SAME_SUBNET = PAIR_PROPS;

function pairStack(overrides: Partial<ExchangeLoadBalancerProps>) {
  const f = fixture(overrides);
  new CasHttpsVip(f.lb, "CasWeb");
  new ImapVip(f.lb, "CasImap");
  return f;
}

function policyOf(json: Json): Json {
  return rolePolicy(json, "failover");
}

const ARN = (type: string, id: string) =>
  expect.stringMatching(
    new RegExp(
      `^arn:\\$\\{data\\.aws_partition\\.[\\w]+\\.partition\\}:ec2:\\$\\{data\\.aws_region\\.[\\w]+\\.region\\}:\\$\\{data\\.aws_caller_identity\\.[\\w]+\\.account_id\\}:${type}/${id.replace(/[.${}[\]]/g, "\\$&")}$`,
    ),
  );

describe("two instances", () => {
  const { stack, lb } = pairStack(CROSS_AZ);
  const json = synthJson(stack);
  const instances = resourcesOf(json, "aws_instance");

  test("one per node, at the node's fixed address, in the node's subnet; the second waits for the first", () => {
    expect(instances.map((i: Json) => [i.subnet_id, i.private_ip])).toEqual([
      ["subnet-0aaa", "10.0.1.5"],
      ["subnet-0bbb", "10.0.2.5"],
    ]);
    // Besides what the boot needs (the agent's policy, egress): the first node, the second only.
    const nodes = (i: Json) => i.depends_on.filter((d: string) => d.includes("aws_instance."));
    expect(nodes(instances[1])).toEqual([
      expect.stringMatching(/^aws_instance\.Lb_Node-10_0_1_5_\w+$/),
    ]);
    expect(nodes(instances[0])).toEqual([]);
    // The failover script, not Terraform, decides which node holds the VIPs.
    expect(instances.every((i: Json) => i.secondary_private_ips === undefined)).toBe(true);
    expect(instances.every((i: Json) => i.source_dest_check === false)).toBe(true);
    expect(lb.instances).toHaveLength(2);
    expect(Object.keys(json.output).filter((k) => k.startsWith("Lb_Instance"))).toEqual([
      expect.stringMatching(/^Lb_InstanceIds_/),
    ]);
  });

  test("security groups: VRRP (112) and peers (10000) between members of the pair's group only", () => {
    const pairRules = (type: string) =>
      resourcesOf(json, type)
        .filter((r: Json) => r.referenced_security_group_id !== undefined)
        .map((r: Json) => ({
          protocol: r.ip_protocol,
          from: r.from_port,
          to: r.to_port,
          self: r.referenced_security_group_id === r.security_group_id,
          cidr: r.cidr_ipv4,
        }));
    const expected = [
      { protocol: "tcp", from: 10000, to: 10000, self: true, cidr: undefined },
      { protocol: "112", from: undefined, to: undefined, self: true, cidr: undefined },
    ];
    expect(pairRules("aws_vpc_security_group_ingress_rule")).toEqual(expected);
    expect(pairRules("aws_vpc_security_group_egress_rule")).toEqual(expected);
    // No CIDR rule anywhere mentions VRRP or the peer port.
    const all = [
      ...resourcesOf(json, "aws_vpc_security_group_ingress_rule"),
      ...resourcesOf(json, "aws_vpc_security_group_egress_rule"),
    ];
    expect(
      all.filter((r: Json) => r.cidr_ipv4 && (r.ip_protocol === "112" || r.from_port === 10000)),
    ).toEqual([]);
  });

  test("route tables: one /32 route per table and VIP, created at the first node, then left to the failover script", () => {
    const routes = resourcesOf(json, "aws_route").map((r: Json) => [
      r.route_table_id,
      r.destination_cidr_block,
      r.lifecycle,
    ]);
    expect(routes).toEqual([
      ["rtb-0a", "100.64.10.10/32", { ignore_changes: ["network_interface_id"] }],
      ["rtb-0b", "100.64.10.10/32", { ignore_changes: ["network_interface_id"] }],
    ]);
    expect(resourcesOf(json, "aws_route")[0].network_interface_id).toMatch(
      /^\$\{aws_instance\.Lb_Node-10_0_1_5_\w+\.primary_network_interface_id\}$/,
    );
  });

  test("the rollout waits for every VIP route, so a new VIP's routes exist before the master claims them", () => {
    const [association] = resourcesOf(json, "aws_ssm_association");
    const routeIds = Object.keys(json.resource.aws_route);
    expect(routeIds).toHaveLength(2);
    for (const id of routeIds) {
      expect(association.depends_on).toContainEqual(`aws_route.${id}`);
    }
  });

  test("the role may replace routes in the pair's route tables, or create one that is missing, and nothing else", () => {
    expect(policyOf(json)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Sid: "PointVipRoutesAtThePair",
          Action: ["ec2:ReplaceRoute", "ec2:CreateRoute"],
          Resource: [ARN("route-table", "rtb-0a"), ARN("route-table", "rtb-0b")],
        },
      ],
    });
  });

  test("each node boots with the same haproxy.cfg, its own keepalived.conf and failover settings", () => {
    for (const [index, node] of NODES.entries()) {
      const userData = lb.renderUserData(node.address);
      expectValidCloudConfig(userData);
      const files = userDataFiles(userData);
      const peer = `lb-${node.address.replace(/\./g, "-")}`;
      expect(files["/etc/haproxy/haproxy.cfg"]).toBe(lb.renderHaproxyConfig());
      expect(files["/etc/default/haproxy"]).toContain(
        `EXTRAOPTS="-S /run/haproxy-master.sock -L ${peer}"`,
      );
      expect(files["/etc/keepalived/keepalived.conf"]).toBe(
        lb.renderKeepalivedConfig(node.address),
      );
      const keepalived = files["/etc/keepalived/keepalived.conf"];
      expect(keepalived).toContain(`unicast_src_ip ${node.address}`);
      expect(keepalived).toContain(`priority ${index === 0 ? 254 : 253}`);
      expect(keepalived).toContain(`${NODES[1 - index].address}\n    }`);
      expectValidKeepalived(keepalived, KEEPALIVED_PATHS);
      // A failing check (HAProxy gone, or a claim given up) puts the instance in FAULT: weight 0,
      // and the track_script entry does not override it (keepalived.conf(5), vrrp_script weight).
      expect(keepalived).toMatch(/vrrp_script haproxy_alive \{[^}]*\n {4}weight 0\n/);
      expect(keepalived).toContain("track_script {\n        haproxy_alive\n    }");
      // How this node claims the VIPs, and the peer name its boot checks haproxy.cfg as (-L).
      expect(settingsLines(userData)).toEqual(
        expect.arrayContaining([
          'PLACEMENT="route-table"',
          `NODE_ADDRESS="${node.address}"`,
          'ROUTE_TABLES="rtb-0a rtb-0b"',
          'ALLOCATION_ID=""',
          `LOCAL_PEER="${peer}"`,
        ]),
      );
      expect(parse(userData).packages).toEqual([
        "haproxy",
        "curl",
        "socat",
        "awscli",
        "keepalived",
        "iputils-arping",
      ]);
      // No boot-time VIP unit: only the master holds the VIPs.
      expect(userData).not.toContain("exchange-vip-addresses.service");
      expect(files[PATHS.VIP_ADDRESSES_UNIT]).toBeUndefined();
    }
  });

  test("haproxy.cfg: a peers section with both nodes; stick tables synchronised; valid on each node", () => {
    const config = lb.renderHaproxyConfig();
    expect(sectionOf(config, "peers exchange_pair")).toBe(
      [
        "peers exchange_pair",
        "    peer lb-10-0-1-5 10.0.1.5:10000",
        "    peer lb-10-0-2-5 10.0.2.5:10000",
      ].join("\n"),
    );
    expectValidHaproxy(config, "lb-10-0-1-5");
    expectValidHaproxy(config, "lb-10-0-2-5");
  });
});

/** Across AZs with an Elastic IP clients connect to. */
const ELASTIC_IP: Partial<ExchangeLoadBalancerProps> = {
  ...CROSS_AZ,
  vipAddress: "203.0.113.10",
  highAvailability: {
    nodes: NODES,
    vipPlacement: VipPlacement.elasticIp({ allocationId: "eipalloc-0e1" }),
  },
};

describe("placements", () => {
  test("secondary IP (default, one subnet): the role may assign private IPs on the pair's two interfaces only", () => {
    const { stack, lb } = pairStack(SAME_SUBNET);
    const json = synthJson(stack);
    expect(policyOf(json).Statement).toEqual([
      {
        Effect: "Allow",
        Sid: "TakeSecondaryIpsOfThePair",
        Action: ["ec2:AssignPrivateIpAddresses"],
        Resource: [
          expect.stringMatching(
            /:network-interface\/\$\{aws_instance\.Lb_Node-192_168_30_5_\w+\.primary_network_interface_id\}$/,
          ),
          expect.stringMatching(
            /:network-interface\/\$\{aws_instance\.Lb_Node-192_168_30_6_\w+\.primary_network_interface_id\}$/,
          ),
        ],
      },
    ]);
    expect(resourcesOf(json, "aws_route")).toEqual([]);
    expect(
      resourcesOf(json, "aws_instance").every((i: Json) => i.source_dest_check === undefined),
    ).toBe(true);
    expect(settingsLines(lb.renderUserData("192.168.30.6"))).toEqual(
      expect.arrayContaining(['PLACEMENT="secondary-ip"', 'NODE_ADDRESS="192.168.30.6"']),
    );
    // The addresses the master puts on its interface.
    expect(parse(lb.renderUserData("192.168.30.6")).write_files).toContainEqual({
      path: "/etc/exchange-lb/vips",
      permissions: "0644",
      content: "192.168.30.10\n",
    });
  });

  test("Elastic IP: the role may associate that address with the pair's interfaces; HAProxy binds the wildcard", () => {
    const f = fixture(ELASTIC_IP);
    new CasHttpsVip(f.lb, "CasHttps");
    new SmtpVip(f.lb, "Smtp", { allowedSources: ["198.51.100.0/24"] });
    const json = synthJson(f.stack);
    const [statement] = policyOf(json).Statement;
    expect(statement.Action).toEqual(["ec2:AssociateAddress"]);
    expect(statement.Resource[0]).toEqual(ARN("elastic-ip", "eipalloc-0e1"));
    expect(statement.Resource.slice(1)).toEqual([
      expect.stringMatching(/:network-interface\/\$\{aws_instance\.Lb_Node-10_0_1_5_/),
      expect.stringMatching(/:network-interface\/\$\{aws_instance\.Lb_Node-10_0_2_5_/),
      // AssociateAddress authorizes the instance behind the interface as well.
      expect.stringMatching(/:instance\/\$\{aws_instance\.Lb_Node-10_0_1_5_\w+\.id\}$/),
      expect.stringMatching(/:instance\/\$\{aws_instance\.Lb_Node-10_0_2_5_\w+\.id\}$/),
    ]);
    const config = f.lb.renderHaproxyConfig();
    expect(config).toContain("bind 0.0.0.0:443");
    expect(config).toContain("bind 0.0.0.0:25");
    expect(config).not.toMatch(/bind 203\.0\.113\.10/);
    expectValidHaproxy(config, "lb-10-0-1-5");
    // No address to put on the interface: the Elastic IP is associated, HAProxy binds the wildcard.
    expect(parse(f.lb.renderUserData("10.0.1.5")).write_files).toContainEqual({
      path: "/etc/exchange-lb/vips",
      permissions: "0644",
      content: "",
    });
    expectValidCloudConfig(f.lb.renderUserData("10.0.1.5"));
    expect(settingsLines(f.lb.renderUserData("10.0.1.5"))).toEqual(
      expect.arrayContaining(['PLACEMENT="elastic-ip"', 'ALLOCATION_ID="eipalloc-0e1"']),
    );
  });

  test("Elastic IP: each node has its own public address, so it boots (packages, SSM) before any node holds the Elastic IP", () => {
    const f = fixture(ELASTIC_IP);
    new CasHttpsVip(f.lb, "CasHttps");
    const instances = resourcesOf(synthJson(f.stack), "aws_instance");
    expect(instances.map((i: Json) => i.associate_public_ip_address)).toEqual([true, true]);
  });

  test("secondary IPs and route tables take the subnet's setting (private subnets, NAT or endpoints)", () => {
    for (const props of [SAME_SUBNET, CROSS_AZ]) {
      const instances = resourcesOf(synthJson(pairStack(props).stack), "aws_instance");
      expect(instances.map((i: Json) => i.associate_public_ip_address)).toEqual([
        undefined,
        undefined,
      ]);
    }
  });
});

describe("bad input names the construct and the fix", () => {
  const cases: [string, Partial<ExchangeLoadBalancerProps>, string][] = [
    [
      "secondary IPs across subnets",
      { ...CROSS_AZ, highAvailability: { nodes: NODES } },
      "Lb: the nodes are in subnet-0aaa and subnet-0bbb, but a secondary private IP cannot move between subnets. Fix: use VipPlacement.routeTable",
    ],
    [
      "one address for both nodes",
      {
        ...CROSS_AZ,
        highAvailability: {
          ...CROSS_AZ.highAvailability!,
          nodes: [NODES[0], { ...NODES[1], address: "10.0.1.5" }],
        },
      },
      "Lb: both nodes have address 10.0.1.5. Fix: give each node its own address",
    ],
    [
      "subnetId next to the nodes",
      { ...CROSS_AZ, subnetId: "subnet-0ccc" },
      "Lb: subnetId is given as well as highAvailability.nodes. Fix: give each node's subnet",
    ],
    [
      "a VRRP router id out of range",
      { ...CROSS_AZ, highAvailability: { ...CROSS_AZ.highAvailability!, virtualRouterId: 256 } },
      "Lb: virtualRouterId 256 is not from 1 to 255",
    ],
    [
      "no route table",
      {
        ...CROSS_AZ,
        highAvailability: {
          nodes: NODES,
          vipPlacement: VipPlacement.routeTable({ routeTableIds: [] }),
        },
      },
      "Lb: VipPlacement.routeTable has no route tables. Fix: list the route tables",
    ],
    [
      "a route table that is not an id",
      {
        ...CROSS_AZ,
        highAvailability: {
          nodes: NODES,
          vipPlacement: VipPlacement.routeTable({ routeTableIds: ["main"] }),
        },
      },
      'Lb: routeTableIds "main" does not start with rtb-',
    ],
    [
      "an allocation that is not an id",
      {
        ...CROSS_AZ,
        highAvailability: {
          nodes: NODES,
          vipPlacement: VipPlacement.elasticIp({ allocationId: "203.0.113.10" }),
        },
      },
      'Lb: allocationId "203.0.113.10" does not start with eipalloc-',
    ],
    [
      "the VIP at a node's address",
      { ...CROSS_AZ, vipAddress: "10.0.1.5" },
      "Lb: vipAddress 10.0.1.5 is a node's own address. Fix: give the VIP an address of its own",
    ],
    [
      "a node address that is not IPv4",
      {
        ...CROSS_AZ,
        highAvailability: {
          ...CROSS_AZ.highAvailability!,
          nodes: [NODES[0], { ...NODES[1], address: "10.0.2" }],
        },
      },
      'Lb: node address "10.0.2" is not an IPv4 address',
    ],
    [
      "no subnet at all for one instance",
      { subnetId: undefined },
      "Lb: subnetId is missing. Fix: give the subnet of the instance",
    ],
  ];
  test.each(cases)("%s", (_name, overrides, message) => {
    expect(() => fixture(overrides)).toThrow(message);
  });

  test("with an Elastic IP, a VIP on another address is refused", () => {
    const f = fixture(ELASTIC_IP);
    expect(() => new ImapVip(f.lb, "Imap", { address: "203.0.113.11" })).toThrow(
      "Lb/Imap: address 203.0.113.11 differs from the Elastic IP 203.0.113.10. Fix:",
    );
  });

  test.each(DEBIAN_RELEASES)(
    "a broken keepalived.conf fails $name's keepalived check",
    (release) => {
      const { lb } = pairStack(SAME_SUBNET);
      const broken = lb
        .renderKeepalivedConfig("192.168.30.5")
        .replace("priority 254", "priority banana");
      const result = keepalivedCheck(release, broken, KEEPALIVED_PATHS);
      expect(result.problems.join("\n")).toContain("invalid number 'banana'");
      expect(() => expectValidKeepalived(broken, KEEPALIVED_PATHS)).toThrow(
        `${release.name}'s ${result.tool} does not accept it`,
      );
    },
  );
});

test("synthesis is deterministic: the same pair gives byte-identical JSON", () => {
  const once = () => synthJson(pairStack(CROSS_AZ).stack);
  expect(JSON.stringify(once())).toBe(JSON.stringify(once()));
});

test("terraform accepts the escaped per-node user-data (no ${ or %{ left to interpolate)", () => {
  const { stack } = pairStack(CROSS_AZ);
  const json = synthJson(stack);
  for (const instance of resourcesOf(json, "aws_instance")) {
    const data: string = instance.user_data ?? instance.user_data_base64;
    expect(data).toBeDefined();
    withTempDir((dir) => {
      writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ output: { u: { value: data } } }));
      const result = run("terraform", ["validate", "-no-color"], { cwd: dir });
      expect(result.output).toContain("Success");
    });
  }
});

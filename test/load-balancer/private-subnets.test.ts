/**
 * Private subnets without internet: the VPC endpoints each case needs and no
 * more, their security group and the load balancer's egress to them, an apt
 * proxy in the user-data (cloud-init's schema accepts it), packages baked into
 * the AMI, and the refusals.
 */
import { parse } from "yaml";
import {
  CasHttpsVip,
  ExchangeLoadBalancerProps,
  ExchangeVersion,
  TlsCertificate,
  VipPlacement,
} from "../../lib";
import {
  ELASTIC_IP_PAIR_PROPS,
  Json,
  PAIR_PROPS,
  fixture,
  resourcesOf,
  synthJson,
} from "../support/synth";
import { expectValidCloudConfig } from "../support/tools";

const ENDPOINTS = { subnetIds: ["subnet-0e1", "subnet-0e2"] };
const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:tls-AbCdEf";

function build(overrides: Partial<ExchangeLoadBalancerProps>, tls?: TlsCertificate) {
  const { lb, stack } = fixture(overrides);
  new CasHttpsVip(lb, "CasWeb", tls ? { tls: "bridge", certificate: tls } : {});
  return { lb, json: synthJson(stack) };
}

/** Each endpoint's service, with `${…}` references to the region and prefix cut to the service. */
function services(json: Json): string[] {
  return resourcesOf(json, "aws_vpc_endpoint")
    .map((e) => `${e.vpc_endpoint_type} ${e.service_name.replace(/^.*\}\./, "")}`)
    .sort();
}

/** An instance's `depends_on`, as resource addresses, but the role's policies and the egress to anywhere (tested with them). */
function dependsOn(instance: Json, all = false): string[] {
  return (instance.depends_on ?? []).filter(
    (d: string) => all || !(d.startsWith("aws_iam_role_policy.") || /_Egress_Egress-/.test(d)),
  );
}

function byDescription(json: Json, type: string, text: string): Json {
  const found = resourcesOf(json, type).filter((r) => r.description === text);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("vpcEndpoints, one instance", () => {
  const { json } = build({
    vpcEndpoints: { ...ENDPOINTS, s3RouteTableIds: ["rtb-0a", "rtb-0b"] },
  });

  test("the SSM agent's three interface endpoints and the S3 gateway; no ec2, secretsmanager or kms", () => {
    expect(services(json)).toEqual([
      "Gateway s3",
      "Interface ec2messages",
      "Interface monitoring",
      "Interface ssm",
      "Interface ssmmessages",
    ]);
  });

  test("interface endpoints: private DNS on, in the given subnets, in their own security group", () => {
    const [group] = resourcesOf(json, "aws_security_group").filter((g) =>
      g.description.includes("VPC endpoints"),
    );
    expect(group.vpc_id).toBe("vpc-0a1b2c3d");
    for (const e of resourcesOf(json, "aws_vpc_endpoint").filter(
      (e) => e.vpc_endpoint_type === "Interface",
    )) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toEqual(ENDPOINTS.subnetIds);
      expect(e.security_group_ids).toEqual([
        expect.stringMatching(/aws_security_group\.\w+Endpoints\w*\.id/),
      ]);
      expect(e.service_name).toMatch(
        /^\$\{data\.aws_partition\.\w+\.reverse_dns_prefix\}\.\$\{data\.aws_region\.\w+\.region\}\.\w+$/,
      );
    }
  });

  test("443 from the load balancer's group to the endpoints' group, and the load balancer's egress to it and to S3", () => {
    const ingress = byDescription(
      json,
      "aws_vpc_security_group_ingress_rule",
      "Exchange load balancer to the VPC endpoints",
    );
    expect(ingress).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: "tcp" });
    expect(ingress.security_group_id).toMatch(/Endpoints/);
    expect(ingress.referenced_security_group_id).toMatch(
      /aws_security_group\.Lb_SecurityGroup_\w+\.id/,
    );
    expect(ingress.cidr_ipv4).toBeUndefined();
    const egress = byDescription(
      json,
      "aws_vpc_security_group_egress_rule",
      "AWS APIs through the VPC endpoints",
    );
    expect(egress.security_group_id).toMatch(/Lb_SecurityGroup_/);
    expect(egress.referenced_security_group_id).toBe(ingress.security_group_id);
    const s3 = byDescription(
      json,
      "aws_vpc_security_group_egress_rule",
      "The SSM agent package from S3 through the gateway endpoint",
    );
    expect(s3).toMatchObject({ from_port: 443, to_port: 443 });
    expect(s3.prefix_list_id).toMatch(/aws_vpc_endpoint\.\w+s3\w*\.prefix_list_id/);
  });

  test("the S3 gateway endpoint: the given route tables, the SSM agent's bucket alone, read only", () => {
    const [gateway] = resourcesOf(json, "aws_vpc_endpoint").filter(
      (e) => e.vpc_endpoint_type === "Gateway",
    );
    expect(gateway.route_table_ids).toEqual(["rtb-0a", "rtb-0b"]);
    expect(JSON.parse(gateway.policy).Statement).toEqual([
      {
        Sid: "SsmAgentPackage",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: expect.stringMatching(
          /^arn:\$\{data\.aws_partition\.\w+\.partition\}:s3:::amazon-ssm-\$\{data\.aws_region\.\w+\.region\}\/\*$/,
        ),
      },
    ]);
  });

  test("the instance boots after the endpoints and the rules to them exist", () => {
    const waits = dependsOn(resourcesOf(json, "aws_instance")[0]);
    const endpoints = Object.keys(json.resource.aws_vpc_endpoint).map(
      (k) => `aws_vpc_endpoint.${k}`,
    );
    expect(waits).toEqual(expect.arrayContaining(endpoints));
    expect(waits.filter((d) => d.startsWith("aws_vpc_security_group_"))).toHaveLength(3);
    expect(waits).toHaveLength(endpoints.length + 3);
  });

  test("the SSM agent downloads straight from S3 through the gateway", () => {
    const { lb } = build({
      vpcEndpoints: { ...ENDPOINTS, s3RouteTableIds: ["rtb-0a"] },
      aptProxy: "http://10.0.0.5:3128",
    });
    expect(lb.renderUserData()).toContain('SSM_AGENT_PROXY=""\n');
  });
});

describe("vpcEndpoints per case", () => {
  test("without the prop: no endpoint and no second security group (opt-in)", () => {
    const { json } = build({});
    expect(resourcesOf(json, "aws_vpc_endpoint")).toEqual([]);
    expect(resourcesOf(json, "aws_security_group")).toHaveLength(1);
    expect(dependsOn(resourcesOf(json, "aws_instance")[0])).toEqual([]);
  });

  test("without route tables: no S3 gateway (one a route table already has is kept)", () => {
    expect(services(build({ vpcEndpoints: ENDPOINTS }).json)).not.toContain("Gateway s3");
  });

  test.each([
    ["secondary IP", VipPlacement.secondaryIp()],
    ["route table", VipPlacement.routeTable({ routeTableIds: ["rtb-0c"] })],
  ])("a pair (%s) adds ec2 for its failover calls, and both nodes wait", (_, vipPlacement) => {
    const props = PAIR_PROPS.highAvailability!;
    const { json } = build({
      ...PAIR_PROPS,
      highAvailability: { ...props, vipPlacement },
      vpcEndpoints: ENDPOINTS,
    });
    expect(services(json)).toEqual([
      "Interface ec2",
      "Interface ec2messages",
      "Interface monitoring",
      "Interface ssm",
      "Interface ssmmessages",
    ]);
    for (const node of resourcesOf(json, "aws_instance")) {
      expect(dependsOn(node).filter((d) => d.startsWith("aws_vpc_endpoint."))).toHaveLength(5);
    }
  });

  test("a certificate in Secrets Manager adds secretsmanager; one in Parameter Store, even with a KMS key, nothing", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const secrets = build(
      { vpcEndpoints: ENDPOINTS },
      TlsCertificate.fromSecretsManager(SECRET, { kmsKeyArn }),
    );
    expect(services(secrets.json)).toEqual([
      "Interface ec2messages",
      "Interface monitoring",
      "Interface secretsmanager",
      "Interface ssm",
      "Interface ssmmessages",
    ]);
    expect(dependsOn(resourcesOf(secrets.json, "aws_instance")[0])).toEqual(
      expect.arrayContaining([expect.stringMatching(/aws_vpc_endpoint\.\w*secretsmanager/)]),
    );
    const parameter = build(
      { vpcEndpoints: ENDPOINTS },
      TlsCertificate.fromSsmParameter("/exchange/tls/mail", { kmsKeyArn }),
    );
    expect(services(parameter.json)).toEqual([
      "Interface ec2messages",
      "Interface monitoring",
      "Interface ssm",
      "Interface ssmmessages",
    ]);
  });
});

describe("aptProxy", () => {
  const { lb, json } = build({ aptProxy: "http://10.0.0.5:3128" });
  const userData = lb.renderUserData();

  test("cloud-init's apt module gets the proxy for http and https mirrors, and keeps the image's sources", () => {
    expect(parse(userData).apt).toEqual({
      preserve_sources_list: true,
      http_proxy: "http://10.0.0.5:3128",
      https_proxy: "http://10.0.0.5:3128",
    });
    expect(parse(userData).packages).toContain("haproxy");
    expectValidCloudConfig(userData);
  });

  test("the SSM agent's download goes through it (no S3 gateway endpoint)", () => {
    expect(userData).toContain('SSM_AGENT_PROXY="http://10.0.0.5:3128"\n');
  });

  test("the load balancer may reach the proxy's address on its port, before the instance boots", () => {
    const rule = byDescription(
      json,
      "aws_vpc_security_group_egress_rule",
      "Debian packages through the apt proxy",
    );
    expect(rule).toMatchObject({ from_port: 3128, to_port: 3128, cidr_ipv4: "10.0.0.5/32" });
    expect(dependsOn(resourcesOf(json, "aws_instance")[0])).toEqual([
      expect.stringMatching(/^aws_vpc_security_group_egress_rule\.\w*AptProxy/),
    ]);
  });

  test("a proxy given by name: port 80 by default, no rule, a warning that says what to add", () => {
    const named = fixture({
      aptProxy: "http://proxy.corp.example",
      exchangeVersion: ExchangeVersion.EXCHANGE_SE, // no end-of-support warning
    });
    new CasHttpsVip(named.lb, "CasWeb");
    expect(named.lb.renderUserData()).toContain('http_proxy: "http://proxy.corp.example:80"');
    const json = synthJson(named.stack);
    expect(
      resourcesOf(json, "aws_vpc_security_group_egress_rule").map((r) => r.description),
    ).not.toContain("Debian packages through the apt proxy");
    const warnings = named.lb.node.metadata.filter((m) => m.type === "@cdktf/warn");
    expect(warnings.map((w) => w.data)).toEqual([expect.stringContaining("on port 80")]);
  });

  test("without it: no apt section", () => {
    expect(parse(build({}).lb.renderUserData()).apt).toBeUndefined();
  });
});

describe("packagesInAmi", () => {
  test("no apt-get at boot: no package_update and no packages, and cloud-init accepts it", () => {
    const { lb } = build({ packagesInAmi: true, amiId: "ami-0123456789abcdef0" });
    const userData = lb.renderUserData();
    const doc = parse(userData);
    expect(doc.packages).toBeUndefined();
    expect(doc.package_update).toBeUndefined();
    expect(doc.runcmd.flat()).toContain("/usr/local/sbin/install-ssm-agent");
    expectValidCloudConfig(userData);
  });

  test("a pair's user-data too", () => {
    const { lb } = build({
      ...PAIR_PROPS,
      packagesInAmi: true,
      amiId: "ami-0123456789abcdef0",
      aptProxy: "http://10.0.0.5:3128",
    });
    const userData = lb.renderUserData("192.168.30.5");
    expect(parse(userData).packages).toBeUndefined();
    expect(parse(userData).apt.http_proxy).toBe("http://10.0.0.5:3128");
    expectValidCloudConfig(userData);
  });
});

describe("refusals", () => {
  const refused = (overrides: Partial<ExchangeLoadBalancerProps>) => () => fixture(overrides);

  test.each([
    "https://10.0.0.5:3128",
    "http://user:secret@10.0.0.5:3128",
    "http://10.0.0.5:3128/apt",
    "http://10.0.0.5:70000",
    "10.0.0.5:3128",
    "http://",
  ])("aptProxy %s", (aptProxy) => {
    expect(refused({ aptProxy })).toThrow(
      `test/Lb: aptProxy "${aptProxy}" is not an http:// URL of a proxy. Fix: give http://<address or name>:<port>`,
    );
  });

  test("packagesInAmi without amiId", () => {
    expect(refused({ packagesInAmi: true })).toThrow(
      "test/Lb: packagesInAmi is set, but the default Debian AMI has none of the packages. Fix: give amiId",
    );
  });

  test.each([
    [{ subnetIds: [] }, "vpcEndpoints.subnetIds is empty"],
    [{ subnetIds: ["sub-1"] }, 'vpcEndpoints.subnetIds "sub-1" does not start with subnet-'],
    [{ subnetIds: ["subnet-1", "subnet-1"] }, "vpcEndpoints.subnetIds lists subnet-1 twice"],
    [
      { subnetIds: ["subnet-1"], s3RouteTableIds: ["rt-1"] },
      'vpcEndpoints.s3RouteTableIds "rt-1" does not start with rtb-',
    ],
    [{ subnetIds: ["subnet-1"], s3RouteTableIds: [] }, "vpcEndpoints.s3RouteTableIds is empty"],
  ])("vpcEndpoints %j", (vpcEndpoints, problem) => {
    expect(refused({ vpcEndpoints })).toThrow(`test/Lb: ${problem}. Fix: `);
  });
});

describe("egress to anywhere only where the boot uses it", () => {
  const AMI = { packagesInAmi: true, amiId: "ami-0123456789abcdef0" };
  const PROXY = { aptProxy: "http://10.0.0.5:3128" };
  const S3 = { vpcEndpoints: { ...ENDPOINTS, s3RouteTableIds: ["rtb-0a"] } };
  /** Ports with a rule to 0.0.0.0/0, and what each rule says it serves. */
  const anywhere = (json: Json) =>
    resourcesOf(json, "aws_vpc_security_group_egress_rule")
      .filter((r) => r.cidr_ipv4 === "0.0.0.0/0")
      .map((r) => `${r.from_port}: ${r.description}`)
      .sort();
  const MIRROR_80 = "80: Debian packages from the Debian mirrors";

  test.each<[string, Partial<ExchangeLoadBalancerProps>, string[]]>([
    [
      "the internet (default): mirrors on 80 and 443, agent from S3, AWS APIs",
      {},
      [
        "443: Debian https mirrors, the SSM agent package (S3), AWS APIs (Systems Manager, certificates)",
        MIRROR_80,
      ],
    ],
    [
      "apt proxy: no 80; AWS APIs and S3 still direct",
      PROXY,
      ["443: AWS APIs (Systems Manager, certificates)"],
    ],
    ["packages in the AMI: no 80", AMI, ["443: AWS APIs (Systems Manager, certificates)"]],
    ["endpoints, S3 gateway and apt proxy: nothing", { ...S3, ...PROXY }, []],
    [
      "endpoints and apt proxy (the agent through it): nothing",
      { vpcEndpoints: ENDPOINTS, ...PROXY },
      [],
    ],
    [
      "endpoints and packages in the AMI (the agent too): nothing",
      { vpcEndpoints: ENDPOINTS, ...AMI },
      [],
    ],
    [
      "endpoints, no S3 gateway, installSsmAgent false, AMI: nothing",
      { vpcEndpoints: ENDPOINTS, ...AMI, installSsmAgent: false, waitForConfigRollout: false },
      [],
    ],
    [
      "endpoints and S3 gateway, packages from the mirrors: 80 and 443 for the mirrors",
      S3,
      ["443: Debian https mirrors", MIRROR_80],
    ],
    [
      "endpoints without S3 gateway, packages from the mirrors: the mirrors and the agent's S3 download",
      { vpcEndpoints: ENDPOINTS },
      ["443: Debian https mirrors, the SSM agent package (S3)", MIRROR_80],
    ],
  ])("%s", (_, props, expected) => {
    const { json } = build(props);
    expect(anywhere(json)).toEqual(expected);
    // The boot uses them at once: the instance is created after them.
    const toAnywhere = Object.entries(json.resource.aws_vpc_security_group_egress_rule)
      .filter(([, r]) => (r as Json).cidr_ipv4 === "0.0.0.0/0")
      .map(([name]) => `aws_vpc_security_group_egress_rule.${name}`);
    expect(dependsOn(resourcesOf(json, "aws_instance")[0], true)).toEqual(
      expect.arrayContaining(toAnywhere),
    );
  });

  test("an Elastic IP pair behind endpoints keeps 443 to them (EC2's associate-address), and nothing to anywhere", () => {
    const { json } = build({
      ...S3,
      ...PROXY,
      ...ELASTIC_IP_PAIR_PROPS,
    });
    expect(anywhere(json)).toEqual([]);
    expect(services(json)).toContain("Interface ec2");
    byDescription(json, "aws_vpc_security_group_egress_rule", "AWS APIs through the VPC endpoints");
  });

  test("a pair without endpoints calls EC2 over the internet: 443 says so", () => {
    const { json } = build({
      ...PROXY,
      subnetId: undefined,
      highAvailability: {
        nodes: [
          { subnetId: "subnet-0aaa", address: "10.0.1.5" },
          { subnetId: "subnet-0aaa", address: "10.0.1.6" },
        ],
      },
    });
    expect(anywhere(json)).toEqual(["443: AWS APIs (Systems Manager, certificates, EC2)"]);
  });
});

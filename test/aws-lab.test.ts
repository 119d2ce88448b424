/**
 * examples/aws-lab, the stack a user deploys to try the load balancer on AWS:
 * deterministic; its stand-in servers boot what both Debian releases'
 * cloud-init accept, and their nginx (the real one) answers every health
 * check the load balancer sends; the user-data reaches EC2 byte for byte; the
 * servers' security group admits the load balancer alone, on the VIPs' ports.
 */
import { Testing } from "cdktf";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { VIRTUAL_DIRECTORIES } from "../examples/aws-lab/exchange-stand-in";
import { buildAwsLabStack } from "../examples/aws-lab/stack";
import {
  SETUP_SCRIPT,
  STAND_IN_PATHS,
  standInUserData,
} from "../examples/aws-lab/stand-in-user-data";
import { synthesizedStandInUserData } from "../examples/aws-lab/synthesized";
import { Json, resourcesOf, synthJson } from "./support/synth";
import {
  certificateBundle,
  expectTerraformLoads,
  expectValidCloudConfig,
  run,
  withTempDir,
} from "./support/tools";

const lab = buildAwsLabStack(Testing.app());
const json = synthJson(lab.stack);
const NAMES = ["EX1", "EX2"];

test("synthesizes the same Terraform twice", () => {
  expect(Testing.synth(buildAwsLabStack(Testing.app()).stack)).toBe(Testing.synth(lab.stack));
});

describe.each(NAMES)("stand-in %s", (name) => {
  const userData = synthesizedStandInUserData(json, name);

  test("its user-data is the rendered cloud-config, base64 so Terraform reads no template in it", () => {
    expect(userData).toBe(standInUserData({ name, namespace: "mail.example.com" }));
    // Plain, the setup program's ${1:?...} would be a Terraform interpolation.
    expect(userData).toContain("${");
    const instance = resourcesOf(json, "aws_instance").find(
      (i: Json) => i.tags.Name === `aws-lab-${name}`,
    );
    expect(instance.user_data).toBeUndefined();
    expect(instance.user_data_replace_on_change).toBe(true);
  });

  test("every supported cloud-init accepts the user-data", () => {
    expectValidCloudConfig(userData);
  });

  test("the setup program is the file shellcheck checks, run last with the config directory", () => {
    const doc = parse(userData);
    const setup = doc.write_files.find((f: Json) => f.path === STAND_IN_PATHS.SETUP_PROGRAM);
    expect(setup.content).toBe(readFileSync(SETUP_SCRIPT, "utf8"));
    expect(doc.runcmd).toEqual([[STAND_IN_PATHS.SETUP_PROGRAM, STAND_IN_PATHS.CONFIG_DIR]]);
    expect(doc.packages).toEqual(
      expect.arrayContaining(["nginx", "postfix", "dovecot-imapd", "dovecot-pop3d"]),
    );
  });
});

test("shellcheck accepts the stand-in's setup program", () => {
  const result = run("shellcheck", [SETUP_SCRIPT]);
  expect(result.output).toBe("");
  expect(result.status).toBe(0);
});

/** The HTTP status of each path on the stand-in's nginx site, run by the real nginx in a fresh network namespace. */
function nginxAnswers(
  site: string,
  paths: readonly string[],
  inactive: readonly string[],
): string[] {
  return withTempDir((dir) => {
    const bundle = certificateBundle(dir);
    const text = site
      .replace(`${STAND_IN_PATHS.TLS_DIR}/cert.pem`, bundle)
      .replace(`${STAND_IN_PATHS.TLS_DIR}/key.pem`, bundle)
      .split(STAND_IN_PATHS.FLAG_DIR)
      .join(dir);
    // nginx's workers (nobody) look for the flags, as www-data does on the instance.
    chmodSync(dir, 0o755);
    for (const vdir of inactive) writeFileSync(join(dir, `${vdir}.inactive`), "");
    writeFileSync(join(dir, "site.conf"), text);
    const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
      .map((kind) => `${kind}_temp_path ${dir}/${kind};`)
      .join(" ");
    writeFileSync(
      join(dir, "nginx.conf"),
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp { access_log off; ${temp} include ${dir}/site.conf; }\n`,
    );
    const curls = paths
      .map((path) => `curl -sk -o /dev/null -w '%{http_code}\\n' https://127.0.0.1${path}`)
      .join("; ");
    const result = run("unshare", [
      "--net",
      "sh",
      "-c",
      `ip link set lo up && nginx -c ${dir}/nginx.conf && { ${curls}; }; kill $(cat ${dir}/nginx.pid)`,
    ]);
    if (result.status !== 0) throw new Error(`nginx or curl failed:\n${result.output}`);
    return result.stdout.trim().split("\n");
  });
}

test("the stand-in's nginx answers the load balancer's health check and every virtual directory's, and 503 when drained", () => {
  const site = parse(
    standInUserData({ name: "EX1", namespace: "mail.example.com" }),
  ).write_files.find((f: Json) => f.path === `${STAND_IN_PATHS.CONFIG_DIR}/nginx.conf`).content;
  const checked = [
    ...lab.loadBalancer.renderHaproxyConfig().matchAll(/http-check send meth GET uri (\S+)/g),
  ].map((m) => m[1]);
  expect(checked).toEqual(["/owa/healthcheck.htm"]);
  const every = VIRTUAL_DIRECTORIES.map((vdir) => `/${vdir}/healthcheck.htm`);
  expect(nginxAnswers(site, [...checked, ...every, "/nowhere"], [])).toEqual([
    ...[...checked, ...every].map(() => "200"),
    "404",
  ]);
  expect(nginxAnswers(site, checked, ["owa"])).toEqual(["503"]);
});

describe("the servers' security group", () => {
  const groupOf = (rule: Json) => rule.security_group_id;
  const servers = "${aws_security_group.ServerSecurityGroup.id}";
  const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule").filter(
    (r: Json) => groupOf(r) === servers,
  );
  const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule").filter(
    (r: Json) => groupOf(r) === servers,
  );

  test("admits the load balancer's group alone, on exactly the ports its VIPs forward", () => {
    const lbGroup = `\${aws_security_group.${Object.keys(json.resource.aws_security_group).find((k) => k.startsWith("Lb_"))}.id}`;
    expect(ingress.map((r: Json) => r.referenced_security_group_id)).toEqual(
      ingress.map(() => lbGroup),
    );
    expect(ingress.every((r: Json) => r.cidr_ipv4 === undefined && r.ip_protocol === "tcp")).toBe(
      true,
    );
    const ports = ingress.map((r: Json) => r.from_port).sort((a: number, b: number) => a - b);
    expect(ports).toEqual([25, 110, 143, 443, 587, 993, 995]);
    const vipPorts = [...new Set(lab.loadBalancer.vips.flatMap((vip) => vip.ports))];
    expect(ports).toEqual(vipPorts.sort((a, b) => a - b));
    // No inline rules: the group holds nothing else.
    const group = json.resource.aws_security_group.ServerSecurityGroup;
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  test("lets the servers out to Debian's mirrors only", () => {
    expect(egress.map((r: Json) => `${r.from_port} ${r.cidr_ipv4}`).sort()).toEqual([
      "443 0.0.0.0/0",
      "80 0.0.0.0/0",
    ]);
  });
});

describe("the network", () => {
  test("two private subnets in two zones, the servers one in each, the pair and the VIP in the first", () => {
    const subnets = resourcesOf(json, "aws_subnet").map(
      (s: Json) => `${s.cidr_block} ${s.availability_zone}`,
    );
    expect(subnets.sort()).toEqual([
      "10.0.0.0/24 ${element(data.aws_availability_zones.Zones.names, 0)}",
      "10.0.1.0/24 ${element(data.aws_availability_zones.Zones.names, 0)}",
      "10.0.2.0/24 ${element(data.aws_availability_zones.Zones.names, 1)}",
    ]);
    const instances = resourcesOf(json, "aws_instance").map(
      (i: Json) => `${i.private_ip} ${i.subnet_id.replace(/^\$\{aws_subnet\.(\w+)\.id\}$/, "$1")}`,
    );
    expect(instances.sort()).toEqual([
      "10.0.1.20 Subnet10_0_1_0_24",
      "10.0.1.5 Subnet10_0_1_0_24",
      "10.0.1.6 Subnet10_0_1_0_24",
      "10.0.2.20 Subnet10_0_2_0_24",
    ]);
    expect(json.output.Vip.value).toBe("10.0.1.10");
  });

  test("the private subnets go out through one NAT gateway, the public one through the internet gateway", () => {
    const routes = resourcesOf(json, "aws_route").map(
      (r: Json) =>
        `${r.route_table_id} ${r.destination_cidr_block} ${r.nat_gateway_id ?? r.gateway_id}`,
    );
    expect(routes.sort()).toEqual([
      "${aws_route_table.PublicRoutes.id} 0.0.0.0/0 ${aws_internet_gateway.InternetGateway.id}",
      "${aws_route_table.Routes10_0_1_0_24.id} 0.0.0.0/0 ${aws_nat_gateway.NatGateway.id}",
      "${aws_route_table.Routes10_0_2_0_24.id} 0.0.0.0/0 ${aws_nat_gateway.NatGateway.id}",
    ]);
  });

  test("every instance is created after the way out it installs its packages through", () => {
    const wayOut = [
      "aws_route.PublicDefaultRoute",
      "aws_route_table_association.PublicSubnetRoutes",
      "aws_route.DefaultRoute10_0_1_0_24",
      "aws_route_table_association.SubnetRoutes10_0_1_0_24",
      "aws_route.DefaultRoute10_0_2_0_24",
      "aws_route_table_association.SubnetRoutes10_0_2_0_24",
    ];
    const instances = Object.entries(json.resource.aws_instance) as [string, Json][];
    expect(instances).toHaveLength(4);
    for (const [name, instance] of instances) {
      expect([name, instance.depends_on]).toEqual([name, expect.arrayContaining(wayOut)]);
    }
  });

  test("the default zones are the region's own, never Local or Wavelength Zones", () => {
    expect(json.data.aws_availability_zones.Zones).toEqual(
      expect.objectContaining({
        state: "available",
        filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      }),
    );
  });

  test("zones given are used as given", () => {
    const given = buildAwsLabStack(Testing.app(), "aws-lab", {
      availabilityZones: ["eu-west-2b", "eu-west-2c"],
    });
    const zones = resourcesOf(synthJson(given.stack), "aws_subnet").map(
      (s: Json) => s.availability_zone,
    );
    expect(zones.sort()).toEqual(["eu-west-2b", "eu-west-2b", "eu-west-2c"]);
  });

  test.each([
    [
      { vpcCidr: "10.0.0.0/24" },
      "aws-lab: vpcCidr 10.0.0.0/24 is not a /16 to /22. Fix: give a /16 to /22",
    ],
    [{ vpcCidr: "10.0.0.1/16" }, 'aws-lab: vpcCidr: "10.0.0.1/16" has host bits set'],
    [
      { vipAddress: "10.0.2.10" },
      'aws-lab: vipAddress "10.0.2.10" is not a usable address of the first zone\'s subnet 10.0.1.0/24',
    ],
    [{ vipAddress: "10.0.1.6" }, "aws-lab: vipAddress 10.0.1.6 is a node's or a server's address"],
  ])("refuses %j at synth", (props, message) => {
    expect(() => buildAwsLabStack(Testing.app(), "aws-lab", props)).toThrow(message);
  });
});

test("the outputs: the VIP, the instances, and the Session Manager commands that reach it", () => {
  const node = "${aws_instance.Lb_Node-10_0_1_5_470DB856.id}";
  expect(json.output.LoadBalancerInstanceIds.value[0]).toBe(node);
  expect(json.output.ServerInstanceIds.value).toEqual({
    EX1: "${aws_instance.EX1.id}",
    EX2: "${aws_instance.EX2.id}",
  });
  expect(json.output.ForwardHttps.value).toBe(
    `aws ssm start-session --region eu-west-2 --target ${node} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=10.0.1.10,portNumber=443,localPortNumber=8443`,
  );
});

test("a stand-in the stack does not hold is refused by name", () => {
  expect(() => synthesizedStandInUserData(json, "EX3")).toThrow("no stand-in EX3");
});

test("Terraform loads the stack; every depends_on a plain address of one of its resources", () =>
  expectTerraformLoads(json));

import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { CasHttpsVip, ExchangeLoadBalancer, ImapVip, SmtpVip } from "../../lib";
import { EC2_USER_DATA_LIMIT } from "../../lib/cloud-init/user-data";
import { GUIDE_PROPS, fixture, resourcesOf, synthJson } from "../support/synth";
import { expectValidCloudConfig, expectValidHaproxy } from "../support/tools";

describe("ExchangeLoadBalancer resources", () => {
  const { lb, stack } = fixture({ serverSecurityGroupId: "sg-0e1f2a3b" });
  new CasHttpsVip(lb, "CasWeb");
  new ImapVip(lb, "CasImap", { address: "192.168.30.11" });
  const json = synthJson(stack);
  const [instance] = resourcesOf(json, "aws_instance");

  test("one instance: IMDSv2 required, encrypted gp3 root, VIPs as secondary private IPs", () => {
    expect(resourcesOf(json, "aws_instance")).toHaveLength(1);
    expect(instance.metadata_options).toEqual({
      http_endpoint: "enabled",
      http_put_response_hop_limit: 1,
      http_tokens: "required",
    });
    expect(instance.root_block_device).toEqual({
      encrypted: true,
      volume_size: 8,
      volume_type: "gp3",
    });
    expect(instance.secondary_private_ips).toEqual(["192.168.30.10", "192.168.30.11"]);
    expect(instance.instance_type).toBe("t3.small");
    expect(instance.subnet_id).toBe("subnet-0a1b2c3d");
  });

  test("the latest official Debian 13 amd64 AMI by default, not replaced when Debian publishes a newer one", () => {
    const [ami] = Object.values(json.data.aws_ami) as {
      owners: string[];
      filter: unknown[];
      most_recent: boolean;
    }[];
    expect(ami.owners).toEqual(["136693071363"]);
    expect(ami.most_recent).toBe(true);
    expect(ami.filter).toContainEqual({ name: "name", values: ["debian-13-amd64-*"] });
    expect(instance.ami).toMatch(/^\$\{data\.aws_ami\.\w+\.id\}$/);
    expect(instance.lifecycle).toEqual({
      ignore_changes: ["user_data", "user_data_base64", "ami"],
    });
  });

  test("HAProxy and cloud-init accept what the instance boots with", () => {
    expectValidHaproxy(lb.renderHaproxyConfig());
    expectValidCloudConfig(lb.renderUserData());
  });

  test("user-data is the rendered cloud-config: Terraform-escaped text up to 16 KB, else gzip + base64", () => {
    const rendered = lb.renderUserData();
    if (Buffer.byteLength(rendered) <= EC2_USER_DATA_LIMIT) {
      expect(instance.user_data).toBe(rendered.replace(/([$%])\{/g, "$1$1{"));
      expect(instance.user_data_base64).toBeUndefined();
    } else {
      expect(instance.user_data).toBeUndefined();
      expect(gunzipSync(Buffer.from(instance.user_data_base64, "base64")).toString()).toBe(
        rendered,
      );
    }
    const files = parse(lb.renderUserData()).write_files as { path: string; content: string }[];
    expect(files.find((f) => f.path === "/etc/haproxy/haproxy.cfg")?.content).toBe(
      lb.renderHaproxyConfig(),
    );
  });

  test("an instance role with the SSM agent's calls and its metrics, nothing else; no SSH key, no port 22", () => {
    const [role] = resourcesOf(json, "aws_iam_role");
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    // No managed policy (AmazonSSMManagedInstanceCore reads every parameter): see instance-policies.test.ts.
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual([]);
    // The metrics statement and its namespace condition: see monitoring.test.ts.
    expect(resourcesOf(json, "aws_iam_role_policy").map((p) => p.name_prefix)).toEqual([
      "exchange-lb-ssm-agent-",
      "exchange-lb-metrics-",
    ]);
    expect(instance.iam_instance_profile).toMatch(/aws_iam_instance_profile/);
    expect(instance.key_name).toBeUndefined();
    const ports = resourcesOf(json, "aws_vpc_security_group_ingress_rule").map((r) => r.from_port);
    expect(ports).not.toContain(22);
  });

  test("egress only to the real servers on their ports, and 80/443 for packages and SSM", () => {
    const egress = resourcesOf(json, "aws_vpc_security_group_egress_rule").map(
      (r) => `${r.from_port} ${r.cidr_ipv4}`,
    );
    expect(egress.sort()).toEqual(
      [
        "143 192.168.30.20/32",
        "143 192.168.30.21/32",
        "443 0.0.0.0/0",
        "443 192.168.30.20/32",
        "443 192.168.30.21/32",
        "80 0.0.0.0/0",
        "80 192.168.30.20/32",
        "80 192.168.30.21/32",
        "993 192.168.30.20/32",
        "993 192.168.30.21/32",
      ].sort(),
    );
  });

  test("outputs: VIP addresses, instance id, security group id, the operator's documents", () => {
    const outputs = Object.entries(json.output as Record<string, { value: unknown }>).map(
      ([k, v]) => [k.replace(/_[0-9A-F]{8}$/, ""), v.value],
    );
    expect(outputs).toEqual([
      ["Lb_InstanceId", expect.stringMatching(/aws_instance\.\w+\.id/)],
      ["Lb_SecurityGroupId", expect.stringMatching(/aws_security_group\.\w+\.id/)],
      ["Lb_ServerStatusDocumentName", expect.stringMatching(/aws_ssm_document\.\w+\.name/)],
      ["Lb_SetServerStateDocumentName", expect.stringMatching(/aws_ssm_document\.\w+\.name/)],
      ["Lb_VipAddresses", ["192.168.30.10", "192.168.30.11"]],
    ]);
  });

  test("overrides: instance type, AMI, root volume size, no SSM agent", () => {
    const other = fixture({
      instanceType: "c6i.large",
      amiId: "ami-0123456789abcdef0",
      rootVolumeSizeGib: 16,
      installSsmAgent: false,
    });
    new CasHttpsVip(other.lb, "CasWeb");
    const otherJson = synthJson(other.stack);
    const [otherInstance] = resourcesOf(otherJson, "aws_instance");
    expect(otherInstance.instance_type).toBe("c6i.large");
    expect(otherInstance.ami).toBe("ami-0123456789abcdef0");
    // An explicit AMI is followed; user-data is read at first boot only (config arrives by SSM).
    expect(otherInstance.lifecycle).toEqual({ ignore_changes: ["user_data", "user_data_base64"] });
    expect(otherInstance.root_block_device.volume_size).toBe(16);
    expect(otherJson.data?.aws_ami).toBeUndefined();
    expect(lb.renderUserData()).toContain("install-ssm-agent");
    expect(other.lb.renderUserData()).not.toContain("install-ssm-agent");
    expectValidCloudConfig(other.lb.renderUserData());
  });

  test("maxconn reaches haproxy.cfg and, above 523,776, the file limit", () => {
    const other = fixture({ maxconn: 9000 });
    new CasHttpsVip(other.lb, "CasWeb");
    expect(other.lb.renderHaproxyConfig()).toContain("    maxconn 9000\n");
    expect(other.lb.renderUserData()).toContain("LimitNOFILE=1048576\n");
    const large = fixture({ maxconn: 600_000 });
    new CasHttpsVip(large.lb, "CasWeb");
    expect(large.lb.renderUserData()).toContain("LimitNOFILE=1201024\n");
    expectValidHaproxy(other.lb.renderHaproxyConfig());
  });
});

describe("user-data over 16 KB", () => {
  test("is sent gzip-compressed and base64-encoded, and unpacks to the rendered cloud-config", () => {
    const servers = Array.from({ length: 40 }, (_, i) => ({
      name: `CAS${i + 1}`,
      address: `10.0.${Math.floor(i / 200)}.${(i % 200) + 20}`,
    }));
    // 6 VIP addresses and 82 egress rules: an interface and a rule quota that take them.
    const { lb, stack } = fixture({
      servers,
      instanceType: "m6i.large",
      securityGroupRuleQuota: 100,
    });
    for (let port = 0; port < 6; port++) {
      new CasHttpsVip(lb, `Web${port}`, { address: `192.168.30.${10 + port}` });
    }
    expect(Buffer.byteLength(lb.renderUserData())).toBeGreaterThan(16384);
    const [instance] = resourcesOf(synthJson(stack), "aws_instance");
    expect(instance.user_data).toBeUndefined();
    expect(gunzipSync(Buffer.from(instance.user_data_base64, "base64")).toString("utf8")).toBe(
      lb.renderUserData(),
    );
  });
});

describe("determinism", () => {
  function build(): string {
    const app = Testing.app();
    const stack = new TerraformStack(app, "det");
    new AwsProvider(stack, "aws", { region: "eu-west-2" });
    const lb = new ExchangeLoadBalancer(stack, "Lb", {
      ...GUIDE_PROPS,
      serverSecurityGroupId: "sg-1",
    });
    new CasHttpsVip(lb, "CasWeb");
    new SmtpVip(lb, "HtSmtp", { allowedSources: ["192.168.30.50-60", "10.1.0.0/24"] });
    return JSON.stringify(synthJson(stack));
  }

  test("the same input synthesizes byte-identical JSON", () => {
    expect(build()).toBe(build());
  });
});

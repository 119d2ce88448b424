/**
 * What AWS would refuse at deploy (or leave hanging) is refused at synth,
 * with the construct path and the fix.
 */
import { CasHttpsVip, ExchangeLoadBalancerProps, ImapVip, VipPlacement } from "../../lib";
import { Testing } from "cdktf";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { PAIR_PROPS, fixture, resourcesOf, synthJson } from "../support/synth";

/** One IMAP VIP per address, on .10, .11, ... */
function withVipAddresses(count: number, props: Partial<ExchangeLoadBalancerProps> = {}) {
  const f = fixture(props);
  for (let i = 0; i < count; i++) {
    new ImapVip(f.lb, `Imap${i}`, { address: `192.168.30.${10 + i}` });
  }
  return f;
}

describe("VIP addresses a network interface holds", () => {
  test("t3.small (4 IPv4 addresses per interface, the primary included): 3 VIP addresses fit, a 4th is refused", () => {
    const { stack } = withVipAddresses(3);
    const [instance] = resourcesOf(synthJson(stack), "aws_instance");
    expect(instance.secondary_private_ips).toHaveLength(3);
    expect(() => withVipAddresses(4)).toThrow(
      "test/Lb/Imap3: 4 VIP addresses, but a t3.small network interface holds 3 besides its primary address. Fix: use an instance type whose interface holds more (t3.medium: 5, m6i.large: 9), or fewer VIP addresses",
    );
  });

  test("a larger instance type takes more", () => {
    expect(() => withVipAddresses(5, { instanceType: "t3.medium" })).not.toThrow();
    expect(() => withVipAddresses(6, { instanceType: "t3.medium" })).toThrow(
      "6 VIP addresses, but a t3.medium network interface holds 5",
    );
  });

  test("a pair with secondary IPs: the smaller node decides", () => {
    const nodes = PAIR_PROPS.highAvailability!.nodes;
    const pair = (count: number) =>
      withVipAddresses(count, {
        ...PAIR_PROPS,
        instanceType: "t3.medium",
        highAvailability: { nodes: [nodes[0], { ...nodes[1], instanceType: "t3.small" }] },
      });
    expect(() => pair(3)).not.toThrow();
    expect(() => pair(4)).toThrow("a t3.small network interface holds 3");
  });

  test("a route-table pair routes its VIPs: no interface holds them, no limit", () => {
    const props: Partial<ExchangeLoadBalancerProps> = {
      ...PAIR_PROPS,
      highAvailability: {
        nodes: PAIR_PROPS.highAvailability!.nodes,
        vipPlacement: VipPlacement.routeTable({ routeTableIds: ["rtb-0a"] }),
      },
    };
    expect(() => withVipAddresses(6, props)).not.toThrow();
  });

  test("an instance type outside the table is not checked (AWS refuses at deploy)", () => {
    expect(() => withVipAddresses(6, { instanceType: "x9z.large" })).not.toThrow();
  });
});

describe("security-group rules per direction (default quota 60)", () => {
  const cidrs = (count: number) => Array.from({ length: count }, (_, i) => `10.${i}.0.0/16`);

  test("60 ingress rules fit; 62 are refused, naming the VIP", () => {
    // A 2010 CasHttpsVip listens on 443 and 80: one rule per port and CIDR.
    const ok = fixture({ clientCidrs: cidrs(30) });
    new CasHttpsVip(ok.lb, "CasWeb");
    expect(resourcesOf(synthJson(ok.stack), "aws_vpc_security_group_ingress_rule")).toHaveLength(
      60,
    );
    const over = fixture({ clientCidrs: cidrs(31) });
    expect(() => new CasHttpsVip(over.lb, "CasWeb")).toThrow(
      "test/Lb/CasWeb: the load balancer's security group would have 62 inbound rules, over the quota of 60 per direction. Fix: fewer client CIDRs, allowed sources or ports (each port and CIDR is one rule), or raise the quota 'Inbound or outbound rules per security group' and set securityGroupRuleQuota",
    );
  });

  test("a pair's VRRP and peer rules count; a raised quota is honoured", () => {
    const pair = fixture({ ...PAIR_PROPS, clientCidrs: cidrs(30) });
    expect(() => new CasHttpsVip(pair.lb, "CasWeb")).toThrow("would have 62 inbound rules");
    const raised = fixture({ ...PAIR_PROPS, clientCidrs: cidrs(30), securityGroupRuleQuota: 62 });
    expect(() => new CasHttpsVip(raised.lb, "CasWeb")).not.toThrow();
  });

  test("egress: two rules per server and port add up", () => {
    const servers = Array.from({ length: 30 }, (_, i) => ({
      name: `CAS${i}`,
      address: `192.168.31.${i + 1}`,
    }));
    const f = fixture({ servers });
    // 30 servers x 443 and 80, plus 80 and 443 to anywhere: 62.
    expect(() => new CasHttpsVip(f.lb, "CasWeb")).toThrow("would have 62 outbound rules");
  });
});

describe("every rule on the load balancer's group counts, whoever adds it", () => {
  const servers = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ name: `CAS${i}`, address: `192.168.31.${i + 1}` }));
  const privateSubnets = {
    vpcEndpoints: { subnetIds: ["subnet-0e1"], s3RouteTableIds: ["rtb-0a"] },
    aptProxy: "http://10.0.0.5:3128",
  };

  test("29 servers fit alone; with vpcEndpoints and aptProxy their egress rules tip it over 60", () => {
    // 29 servers x 443 and 80 = 58 rules to the servers.
    const alone = fixture({ servers: servers(29) });
    expect(() => new CasHttpsVip(alone.lb, "CasWeb")).not.toThrow();
    const f = fixture({ servers: servers(29), ...privateSubnets });
    expect(() => new CasHttpsVip(f.lb, "CasWeb")).toThrow(
      /^test\/Lb\/CasWeb: the load balancer's security group would have 6\d outbound rules, over the quota of 60/,
    );
  });

  test("a rule added to the group outside the library is counted at synth", () => {
    const f = fixture({ servers: servers(29) });
    new CasHttpsVip(f.lb, "CasWeb");
    for (const port of [8080, 8443, 9443]) {
      new VpcSecurityGroupEgressRule(f.stack, `Extra-${port}`, {
        securityGroupId: f.lb.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "10.9.9.9/32",
      });
    }
    expect(() => Testing.synth(f.stack, true)).toThrow(
      /test\/Lb: the load balancer's security group has 6\d outbound rules, over the quota of 60 per direction/,
    );
  });
});

describe("config rollout without the SSM agent", () => {
  test("installSsmAgent false with waitForConfigRollout true is refused (the deploy would wait 10 minutes, then fail)", () => {
    expect(() => fixture({ installSsmAgent: false, waitForConfigRollout: true })).toThrow(
      "test/Lb: waitForConfigRollout is true but installSsmAgent is false, so no agent would report the rollout and the deploy would wait, then fail. Fix: set installSsmAgent: true (it does nothing when the AMI's agent already runs), or waitForConfigRollout: false",
    );
  });

  test("installSsmAgent false alone does not wait", () => {
    const { stack, lb } = fixture({ installSsmAgent: false });
    new CasHttpsVip(lb, "CasWeb");
    const [association] = resourcesOf(synthJson(stack), "aws_ssm_association");
    expect(association.wait_for_success_timeout_seconds).toBeUndefined();
  });
});

/**
 * The load balancer's security group and the rules of its VIPs: each VIP's
 * client ingress, egress to its real servers, and (with
 * `serverSecurityGroupId`) ingress on the Exchange servers' group. Created as
 * each VIP is added, ids from values, so a rule two VIPs share is created once
 * (the pattern of aws-cdk's `Connections`: a plain class acting on its owner's
 * scope, so resource paths stay the owner's).
 */
import {
  Construct,
  SecurityGroup,
  TerraformStack,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../framework";
import { VipDescription } from "../vips/description";
import { checkRuleQuota, ruleQuotaProblems, rulesOnGroup } from "./aws-limits";
import { addressOf } from "./dependencies";
import { NAME_PREFIX } from "./names";
import { LoadBalancerSettings } from "./resolve-props";
import { bootReachOf } from "./private-subnet-props";
import { ExchangeLoadBalancerProps } from "./props";
import {
  PlannedRule,
  planAdminIngress,
  planEgress,
  planIngress,
  planServerIngress,
  planServiceEgress,
} from "./rule-plan";

export class SecurityRules {
  public readonly group: SecurityGroup;
  private readonly groupId: string;
  private readonly owner: Construct;
  private readonly ingress: Construct;
  private readonly egress: Construct;
  /** Rules on the Exchange servers' group, when it is given. */
  private readonly servers?: { readonly scope: Construct; readonly groupId: string };

  /** Rules per direction the group may hold. */
  private readonly quota: number;

  /** Egress to anywhere that the boot uses (mirrors, S3, AWS APIs), which it needs first. */
  public readonly serviceEgress: VpcSecurityGroupEgressRule[];

  constructor(
    owner: Construct,
    props: ExchangeLoadBalancerProps,
    settings: Pick<
      LoadBalancerSettings,
      "securityGroupRuleQuota" | "packageSource" | "installSsmAgent" | "pair" | "admin"
    >,
  ) {
    const { vpcId, serverSecurityGroupId: serverGroupId } = props;
    this.owner = owner;
    this.quota = settings.securityGroupRuleQuota;
    this.group = new SecurityGroup(owner, "SecurityGroup", {
      namePrefix: NAME_PREFIX,
      description: `Exchange load balancer ${owner.node.path}: client VIPs in, real servers out`,
      vpcId,
      tags: { Name: owner.node.path },
    });
    this.groupId = this.group.id;
    this.ingress = new Construct(owner, "ClientIngress");
    this.egress = new Construct(owner, "Egress");
    this.servers = serverGroupId
      ? { scope: new Construct(owner, "ServerIngress"), groupId: serverGroupId }
      : undefined;
    this.serviceEgress = planServiceEgress(bootReachOf(props, settings)).map(
      (rule) =>
        new VpcSecurityGroupEgressRule(this.egress, rule.id, ruleConfig(this.groupId, rule)),
    );
    for (const rule of planAdminIngress(settings.admin)) {
      new VpcSecurityGroupIngressRule(this.ingress, rule.id, ruleConfig(this.groupId, rule));
    }
    // Rules anyone adds to the group later in the stack count too.
    owner.node.addValidation({
      validate: () =>
        ruleQuotaProblems(
          owner.node.path,
          rulesOnGroup(TerraformStack.of(owner), this.groupId),
          this.quota,
        ),
    });
  }

  /**
   * Adds a VIP's rules not created yet.
   * @returns the rules that open the paths to its real servers, which a config using them needs first
   */
  public allow(vip: VipDescription): string[] {
    const ingress = newRules(this.ingress, planIngress(vip));
    const egress = newRules(this.egress, planEgress(vip));
    // Every rule on the group so far (the pair's, the VPC endpoints', the apt proxy's), and these.
    const existing = rulesOnGroup(this.owner, this.groupId);
    checkRuleQuota(vip, "inbound", existing.inbound + ingress.length, this.quota);
    checkRuleQuota(vip, "outbound", existing.outbound + egress.length, this.quota);
    for (const rule of ingress) {
      new VpcSecurityGroupIngressRule(this.ingress, rule.id, ruleConfig(this.groupId, rule));
    }
    const pathsToServers: string[] = [];
    for (const rule of egress) {
      const created = new VpcSecurityGroupEgressRule(
        this.egress,
        rule.id,
        ruleConfig(this.groupId, rule),
      );
      pathsToServers.push(addressOf(created));
    }
    if (this.servers) {
      for (const rule of newRules(this.servers.scope, planServerIngress(vip))) {
        const created = new VpcSecurityGroupIngressRule(this.servers.scope, rule.id, {
          ...ruleConfig(this.servers.groupId, rule),
          referencedSecurityGroupId: this.groupId,
        });
        pathsToServers.push(addressOf(created));
      }
    }
    return pathsToServers;
  }
}

/** The planned rules not created yet; ids come from values, so a repeat is the same rule. */
function newRules(scope: Construct, rules: PlannedRule[]): PlannedRule[] {
  return rules.filter((rule) => !scope.node.tryFindChild(rule.id));
}

function ruleConfig(securityGroupId: string, rule: PlannedRule) {
  return {
    securityGroupId,
    ipProtocol: "tcp",
    fromPort: rule.port,
    toPort: rule.port,
    cidrIpv4: rule.cidr,
    description: rule.description,
  };
}

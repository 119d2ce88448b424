/**
 * A clustered pair across two Availability Zones (001 appendix 6, 004 appendix
 * 5) for Exchange Server SE (2019's profile, guide 004's SNAT-mode VIPs) on
 * Debian 13, the defaults of a new stack: nodes 10.0.1.5 and
 * 10.0.2.5, the VIP 10.100.0.10 outside the VPC CIDR (10.0.0.0/16), routed to
 * the master through both subnets' route tables.
 */
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  CasHttpsVip,
  CasHttpsVipProps,
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  ExchangeServerScripts,
  ExchangeVersion,
  ImapVip,
  SmtpVip,
  VipPlacement,
} from "../../lib";

export interface ExchangeSePair {
  readonly stack: TerraformStack;
  readonly loadBalancer: ExchangeLoadBalancer;
}

/** The example's load balancer; the review tests vary it one prop at a time. */
export const EXCHANGE_SE_PAIR_PROPS: ExchangeLoadBalancerProps = {
  exchangeVersion: ExchangeVersion.EXCHANGE_SE,
  vpcId: "vpc-0a1b2c3d",
  vipAddress: "10.100.0.10", // outside the VPC CIDR: a route, not a subnet address
  clientCidrs: ["10.0.0.0/16"],
  namespace: "mail.example.com",
  servers: [
    { name: "EX1", address: "10.0.1.20" },
    { name: "EX2", address: "10.0.2.20" },
  ],
  serverSecurityGroupId: "sg-0e1f2a3b",
  highAvailability: {
    nodes: [
      { subnetId: "subnet-0aaa1111", address: "10.0.1.5" }, // eu-west-2a, preferred master
      { subnetId: "subnet-0bbb2222", address: "10.0.2.5" }, // eu-west-2b
    ],
    vipPlacement: VipPlacement.routeTable({ routeTableIds: ["rtb-0aaa1111", "rtb-0bbb2222"] }),
  },
};

export function buildExchangeSePairStack(
  scope: Construct,
  id = "exchange-se-pair",
  props: ExchangeLoadBalancerProps = EXCHANGE_SE_PAIR_PROPS,
  https: CasHttpsVipProps = {},
): ExchangeSePair {
  const stack = new TerraformStack(scope, id);
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const loadBalancer = new ExchangeLoadBalancer(stack, "Lb", props);
  new CasHttpsVip(loadBalancer, "CasHttps", https);
  new ImapVip(loadBalancer, "CasImap");
  new SmtpVip(loadBalancer, "CasSmtp", { allowedSources: ["10.0.3.50-60"] });
  // The Exchange-side steps as SSM documents, after the VIPs they read.
  new ExchangeServerScripts(loadBalancer, "ServerScripts");
  return { stack, loadBalancer };
}

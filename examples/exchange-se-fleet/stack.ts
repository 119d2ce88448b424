/**
 * A fleet across three Availability Zones for Exchange Server SE (2019's profile, guide 004's
 * SNAT-mode VIPs) on Debian 13: two to six HAProxy nodes in an Auto Scaling group behind an
 * internal Network Load Balancer whose addresses are the VIPs, 10.0.1.10 (the namespace's
 * first address), 10.0.2.10 and 10.0.3.10; the group adds nodes when the NLB's connections per
 * node pass half a node's maxconn. See the README's "Choosing a topology".
 */
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeServerScripts,
  ExchangeVersion,
  ImapVip,
  SmtpVip,
} from "../../lib";

export interface ExchangeSeFleet {
  readonly stack: TerraformStack;
  readonly loadBalancer: ExchangeLoadBalancer;
}

export function buildExchangeSeFleetStack(
  scope: Construct,
  id = "exchange-se-fleet",
): ExchangeSeFleet {
  const stack = new TerraformStack(scope, id);
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const loadBalancer = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_SE,
    vpcId: "vpc-0a1b2c3d",
    vipAddress: "10.0.1.10", // the NLB's address in the first subnet
    clientCidrs: ["10.0.0.0/8"],
    namespace: "mail.example.com",
    servers: [
      { name: "EX1", address: "10.0.11.20" },
      { name: "EX2", address: "10.0.12.20" },
      { name: "EX3", address: "10.0.13.20" },
    ],
    serverSecurityGroupId: "sg-0e1f2a3b",
    instanceType: "m6i.large",
    fleet: {
      // Subnets of the load balancer's own: the receive connector allows all of each.
      subnets: [
        { subnetId: "subnet-0aaa1111" }, // eu-west-2a: vipAddress
        { subnetId: "subnet-0bbb2222", vipAddress: "10.0.2.10" }, // eu-west-2b
        { subnetId: "subnet-0ccc3333", vipAddress: "10.0.3.10" }, // eu-west-2c
      ],
      minNodes: 2,
      maxNodes: 6,
    },
  });
  new CasHttpsVip(loadBalancer, "CasHttps");
  new ImapVip(loadBalancer, "CasImap");
  new SmtpVip(loadBalancer, "CasSmtp", { allowedSources: ["10.0.5.50-60"] });
  new ExchangeServerScripts(loadBalancer, "ServerScripts");
  return { stack, loadBalancer };
}

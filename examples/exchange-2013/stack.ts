/**
 * Guide 004's SNAT-mode deployment (Exchange 2013; same for 2016 and 2019):
 * CAS-HTTPS 443 with the HTTP redirect, IMAP4, POP3 and CAS-SMTP on
 * 192.168.30.10, CAS1/CAS2 at .20/.21, smart hosts .50-.60.
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
  PopVip,
  SmtpVip,
} from "../../lib";

export interface Exchange2013Example {
  readonly stack: TerraformStack;
  readonly loadBalancer: ExchangeLoadBalancer;
}

export function buildExchange2013Stack(
  scope: Construct,
  id = "exchange-2013",
): Exchange2013Example {
  const stack = new TerraformStack(scope, id);
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const loadBalancer = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_2013,
    vpcId: "vpc-0a1b2c3d",
    subnetId: "subnet-0a1b2c3d",
    vipAddress: "192.168.30.10", // 004 §11 VIP1 step 4
    clientCidrs: ["192.168.0.0/16"],
    namespace: "mail.robstest.com", // 004 §8 DNS configuration
    servers: [
      { name: "CAS1", address: "192.168.30.20" }, // 004 §11 VIP1 real servers
      { name: "CAS2", address: "192.168.30.21" },
    ],
    serverSecurityGroupId: "sg-0e1f2a3b",
  });
  new CasHttpsVip(loadBalancer, "CasHttps"); // CAS-HTTPS 443 + HTTP-redirect 80
  new ImapVip(loadBalancer, "CasImap"); // CAS-IMAP4 143,993
  new PopVip(loadBalancer, "CasPop"); // POP3 110,995
  new SmtpVip(loadBalancer, "CasSmtp", {
    allowedSources: ["192.168.30.50-192.168.30.60"], // 004 appendix 2, example 2
  });
  // The Exchange-side steps as SSM documents, after the VIPs they read.
  new ExchangeServerScripts(loadBalancer, "ServerScripts");
  return { stack, loadBalancer };
}

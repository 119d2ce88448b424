/**
 * Guide 001's example deployment (Exchange 2010, four VIPs on 192.168.30.10,
 * CAS1/CAS2 at .20/.21, smart hosts at .50-.60), as a reusable builder; on
 * Debian 12, as a stack created before Debian 13 became the default would be.
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
  OperatingSystem,
  RpcStaticPortVip,
  SmtpVip,
} from "../../lib";

export interface Exchange2010Example {
  readonly stack: TerraformStack;
  readonly loadBalancer: ExchangeLoadBalancer;
}

export function buildExchange2010Stack(
  scope: Construct,
  id = "exchange-2010",
): Exchange2010Example {
  const stack = new TerraformStack(scope, id);
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const loadBalancer = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_2010,
    operatingSystem: OperatingSystem.DEBIAN_12, // an existing deployment that stays on HAProxy 2.6
    vpcId: "vpc-0a1b2c3d",
    subnetId: "subnet-0a1b2c3d",
    vipAddress: "192.168.30.10", // 001 §11 VIP1 step 4
    namespace: "cas.domain.com", // 001 §10 step 1: the CAS array's FQDN
    clientCidrs: ["192.168.0.0/16"],
    servers: [
      { name: "CAS1", address: "192.168.30.20" }, // 001 §11 VIP1 real servers
      { name: "CAS2", address: "192.168.30.21" },
    ],
    serverSecurityGroupId: "sg-0e1f2a3b",
  });
  new CasHttpsVip(loadBalancer, "CasWeb"); // CAS-WEB 80,443
  new RpcStaticPortVip(loadBalancer, "CasRpc", {
    rpcClientAccessPort: 60200,
    addressBookPort: 60201,
  });
  new ImapVip(loadBalancer, "CasImap"); // CAS-IMAP4 143,993
  new SmtpVip(loadBalancer, "HtSmtp", {
    allowedSources: ["192.168.30.50-60"], // 001 appendix 2, example 2
  });
  // The Exchange-side steps as SSM documents, after the VIPs they read.
  new ExchangeServerScripts(loadBalancer, "ServerScripts");
  return { stack, loadBalancer };
}

/**
 * A lab a user deploys on AWS with one `cdktf deploy` and removes with one
 * `cdktf destroy` (issue 13): its own VPC across two Availability Zones
 * (network.ts), a clustered pair of Exchange SE on Debian 13 with the
 * exchange-se-pair example's VIPs plus POP3 and submission, and
 * two Debian 13 instances standing in for Exchange servers (EX1, EX2; their
 * cloud-init in stand-in-user-data.ts) whose security group admits the load
 * balancer alone. Clients reach the VIP through Session Manager (the outputs
 * print the commands).
 */
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeVersion,
  ImapVip,
  PopVip,
  SmtpVip,
  VipPlacement,
} from "../../lib";
import { bootAfter } from "../../lib/load-balancer/instances";
import { labAddresses } from "./addresses";
import { labNetwork } from "./network";
import { labOutputs } from "./outputs";
import { standInServers } from "./servers";

export interface AwsLabProps {
  /** @default "eu-west-2" */
  readonly region?: string;
  /** The VPC's block, /16 to /22: three /24 subnets are cut from its start. @default "10.0.0.0/16" */
  readonly vpcCidr?: string;
  /** Two Availability Zones. @default the region's first two available ones */
  readonly availabilityZones?: readonly [string, string];
  /** The VIP: an address of the first zone's subnet. @default its .10 ("10.0.1.10") */
  readonly vipAddress?: string;
  /** The namespace the health checks and the servers' certificates use. @default "mail.example.com" */
  readonly namespace?: string;
  /** The stand-in servers' type. @default "t3.micro" */
  readonly serverInstanceType?: string;
}

export interface AwsLab {
  readonly stack: TerraformStack;
  readonly loadBalancer: ExchangeLoadBalancer;
  /** The stand-in servers by name: EX1, EX2. */
  readonly servers: Readonly<Record<string, Instance>>;
}

export function buildAwsLabStack(
  scope: Construct,
  id = "aws-lab",
  props: AwsLabProps = {},
): AwsLab {
  const stack = new TerraformStack(scope, id);
  const region = props.region ?? "eu-west-2";
  new AwsProvider(stack, "aws", { region });
  const addresses = labAddresses(stack, props.vpcCidr ?? "10.0.0.0/16", props.vipAddress);
  const network = labNetwork(stack, addresses, props.availabilityZones);
  const pairSubnet = network.zones[0].subnet.id;
  const namespace = props.namespace ?? "mail.example.com";
  const standIns = standInServers(stack, network, {
    namespace,
    instanceType: props.serverInstanceType ?? "t3.micro",
  });
  const loadBalancer = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_SE,
    vpcId: network.vpc.id,
    vipAddress: addresses.vipAddress,
    clientCidrs: [addresses.vpcCidr],
    namespace,
    servers: standIns.servers.map(({ name, address }) => ({ name, address })),
    serverSecurityGroupId: standIns.securityGroup.id,
    highAvailability: {
      // Both in the first zone's subnet (addresses.ts says why); the VIP a secondary IP.
      nodes: [
        { subnetId: pairSubnet, address: addresses.nodes[0] }, // preferred master
        { subnetId: pairSubnet, address: addresses.nodes[1] },
      ],
      vipPlacement: VipPlacement.secondaryIp(),
    },
  });
  new CasHttpsVip(loadBalancer, "CasHttps");
  new ImapVip(loadBalancer, "CasImap");
  new PopVip(loadBalancer, "CasPop");
  // Smart hosts and devices anywhere in the lab's VPC.
  new SmtpVip(loadBalancer, "CasSmtp", { allowedSources: [addresses.vpcCidr] });
  new SmtpVip(loadBalancer, "CasSubmission", { submission: true });
  const servers = Object.fromEntries(standIns.servers.map((s) => [s.name, s.instance]));
  bootAfter([...loadBalancer.instances, ...Object.values(servers)], network.wayOut);
  labOutputs(stack, { region, loadBalancer, servers, namespace });
  return { stack, loadBalancer, servers };
}

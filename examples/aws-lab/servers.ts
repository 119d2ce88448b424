/**
 * The AWS lab's Exchange stand-ins: one Debian 13 instance per zone, booted
 * by its own cloud-init (stand-in-user-data.ts), in a security group with no
 * ingress of its own: the load balancer adds exactly its rules to it
 * (`serverSecurityGroupId`). Out: HTTP and HTTPS for Debian's mirrors, through
 * the NAT gateway.
 */
import { TerraformStack } from "cdktf";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { OperatingSystem } from "../../lib";
import { operatingSystemRelease } from "../../lib/instance/operating-system";
import { latestDebian } from "../../lib/load-balancer/instances";
import { LabNetwork } from "./network";
import { standInUserData } from "./stand-in-user-data";

export interface StandInServer {
  /** EX1, EX2: the load balancer's names of them. */
  readonly name: string;
  readonly address: string;
  readonly instance: Instance;
}

export interface StandInServers {
  readonly securityGroup: SecurityGroup;
  readonly servers: readonly StandInServer[];
}

/** Debian's mirrors: deb.debian.org answers on both. */
const MIRROR_PORTS = [80, 443];

export function standInServers(
  stack: TerraformStack,
  network: LabNetwork,
  options: { readonly namespace: string; readonly instanceType: string },
): StandInServers {
  const securityGroup = new SecurityGroup(stack, "ServerSecurityGroup", {
    vpcId: network.vpc.id,
    namePrefix: `${stack.node.id}-servers-`,
    description: "Exchange stand-ins: only the load balancer rules",
  });
  for (const port of MIRROR_PORTS) {
    new VpcSecurityGroupEgressRule(stack, `ServerMirrors${port}`, {
      securityGroupId: securityGroup.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      cidrIpv4: "0.0.0.0/0",
      description: "Debian mirrors through the NAT gateway",
    });
  }
  const ami = latestDebian(stack, operatingSystemRelease(OperatingSystem.DEBIAN_13)!);
  const servers = network.zones.map((zone) => {
    const name = zone.serverName;
    const instance = new Instance(stack, name, {
      ami,
      instanceType: options.instanceType,
      subnetId: zone.subnet.id,
      privateIp: zone.serverAddress,
      vpcSecurityGroupIds: [securityGroup.id],
      // base64: no `${` or `%{` for Terraform to read as a template, whatever the text holds.
      userDataBase64: Buffer.from(standInUserData({ name, namespace: options.namespace })).toString(
        "base64",
      ),
      userDataReplaceOnChange: true,
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
      rootBlockDevice: { volumeType: "gp3", encrypted: true },
      tags: { Name: `${stack.node.id}-${name}` },
    });
    return { name, address: zone.serverAddress, instance };
  });
  return { securityGroup, servers };
}

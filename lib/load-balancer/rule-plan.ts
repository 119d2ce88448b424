/**
 * Plans the security-group rules a load balancer needs, as plain data with ids
 * derived from the values (port, CIDR), never from list positions. The SMTP
 * lock-down of the guides (001 appendix 2, 004 appendix 2) is these ingress
 * rules: only the allowed sources reach the SMTP port.
 */
import { idPart } from "../core/id";
import { VipDescription } from "../vips/description";

export interface PlannedRule {
  /** Construct id, unique within its kind. */
  readonly id: string;
  readonly port: number;
  /** CIDR source or destination; absent for a rule that references a security group. */
  readonly cidr?: string;
  readonly description: string;
}

const ANYWHERE = "0.0.0.0/0";

/** Where the boot's downloads and AWS calls go, which decides its egress beyond the servers. */
export interface BootReach {
  /** apt talks to Debian's mirrors itself: no proxy, packages not in the AMI. */
  readonly mirrorsDirect: boolean;
  /** install-ssm-agent downloads from S3 itself: no S3 gateway, no proxy, not in the AMI. */
  readonly agentFromS3Direct: boolean;
  /** Systems Manager, the certificate stores (and EC2 for a pair) at their public endpoints: no vpcEndpoints. */
  readonly awsApisDirect: boolean;
  readonly pair: boolean;
}

/**
 * Egress to anywhere the boot uses, and only that: port 80 for Debian's
 * mirrors (a `http://` URI is Debian's usual form, apt checks signatures),
 * port 443 for https mirrors, the SSM agent's package in S3 and the AWS
 * APIs. Through an apt proxy, the AMI, an S3 gateway endpoint or the VPC
 * endpoints, a path needs no rule to anywhere (their own rules cover it).
 */
export function planServiceEgress(reach: BootReach): PlannedRule[] {
  // Descriptions in EC2's character set: an apostrophe fails the deploy ("Invalid rule description").
  const https = [
    reach.mirrorsDirect && "Debian https mirrors",
    reach.agentFromS3Direct && "the SSM agent package (S3)",
    reach.awsApisDirect && `AWS APIs (Systems Manager, certificates${reach.pair ? ", EC2" : ""})`,
  ].filter((use): use is string => typeof use === "string");
  const rule = (port: number, description: string) => ({
    id: `Egress-${port}-${idPart(ANYWHERE)}`,
    port,
    cidr: ANYWHERE,
    description,
  });
  return ordered([
    ...(reach.mirrorsDirect ? [rule(80, "Debian packages from the Debian mirrors")] : []),
    ...(https.length > 0 ? [rule(443, https.join(", "))] : []),
  ]);
}

/** Rules in a stable order: by port, then by id. */
function ordered(rules: PlannedRule[]): PlannedRule[] {
  return rules.sort((a, b) => a.port - b.port || a.id.localeCompare(b.id));
}

/**
 * Client-facing ingress of one VIP: each port from each allowed CIDR. Rules
 * two VIPs share have the same id; the load balancer creates each id once.
 */
export function planIngress(vip: VipDescription): PlannedRule[] {
  return ordered(
    [...vip.ports, ...vip.redirectPorts].flatMap((port) =>
      vip.sourceCidrs.map((cidr) => ({
        id: `Ingress-${port}-${idPart(cidr)}`,
        port,
        cidr,
        description: vip.name,
      })),
    ),
  );
}

/** Egress to each real server of one VIP on the ports it forwards and checks. */
export function planEgress(vip: VipDescription): PlannedRule[] {
  const toServers = vip.servers.flatMap((server) =>
    vip.serverPorts.map((port) => ({
      id: `Egress-${port}-${idPart(server.address)}_32`,
      port,
      cidr: `${server.address}/32`,
      description: server.name,
    })),
  );
  return ordered(toServers);
}

/** Ingress on the Exchange servers' group, from the load balancer's group, on exactly one VIP's server ports. */
export function planServerIngress(vip: VipDescription): PlannedRule[] {
  return ordered(
    vip.serverPorts.map((port) => ({
      id: `FromLoadBalancer-${port}`,
      port,
      description: `Exchange load balancer ${vip.name}`,
    })),
  );
}

/** The admin port (exporter, stats page) from each of `adminCidrs`, and from nowhere else. */
export function planAdminIngress(admin: {
  readonly port: number;
  readonly cidrs: readonly string[];
}): PlannedRule[] {
  return ordered(
    admin.cidrs.map((cidr) => ({
      id: `Admin-${admin.port}-${idPart(cidr)}`,
      port: admin.port,
      cidr,
      description: "admin port: Prometheus exporter and read-only stats page",
    })),
  );
}

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

/** Ports the instance itself needs outbound: Debian packages and the SSM endpoints. */
export const OUTBOUND_SERVICE_PORTS = [80, 443] as const;

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

/** Egress to each real server of one VIP on the ports it forwards and checks, plus package and SSM access. */
export function planEgress(vip: VipDescription): PlannedRule[] {
  const toServers = vip.servers.flatMap((server) =>
    vip.serverPorts.map((port) => ({
      id: `Egress-${port}-${idPart(server.address)}_32`,
      port,
      cidr: `${server.address}/32`,
      description: server.name,
    })),
  );
  const services = OUTBOUND_SERVICE_PORTS.map((port) => ({
    id: `Egress-${port}-${idPart(ANYWHERE)}`,
    port,
    cidr: ANYWHERE,
    description: "Debian packages and AWS Systems Manager",
  }));
  return ordered([...toServers, ...services]);
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

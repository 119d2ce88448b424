/**
 * Plans the security-group rules a load balancer needs, as plain data with ids
 * derived from the values (port, CIDR), never from list positions. The SMTP
 * lock-down of the guides (001 appendix 2, 004 appendix 2) is these ingress
 * rules: only the allowed sources reach the SMTP port.
 */
import type { ExchangeVip } from "../vips/vip";

export interface PlannedRule {
  /** Construct id, unique within its kind. */
  readonly id: string;
  readonly port: number;
  /** CIDR source or destination; absent for a rule that references a security group. */
  readonly cidr?: string;
  readonly description: string;
}

/** Ports the instance itself needs outbound: Debian packages and the SSM endpoints. */
export const OUTBOUND_SERVICE_PORTS = [80, 443] as const;

function idPart(cidr: string): string {
  return cidr.replace(/[./]/g, "_");
}

function dedupe(rules: PlannedRule[]): PlannedRule[] {
  const byId = new Map<string, PlannedRule>();
  for (const rule of rules) {
    const seen = byId.get(rule.id);
    byId.set(
      rule.id,
      seen ? { ...seen, description: mergeDescription(seen.description, rule.description) } : rule,
    );
  }
  return [...byId.values()].sort((a, b) => a.port - b.port || a.id.localeCompare(b.id));
}

function mergeDescription(a: string, b: string): string {
  return a === b || a.split(", ").includes(b) ? a : `${a}, ${b}`;
}

/** Client-facing ingress: each VIP port from each allowed CIDR. */
export function planIngress(vips: readonly ExchangeVip[]): PlannedRule[] {
  return dedupe(
    vips.flatMap((vip) =>
      [...vip.ports, ...vip.redirectPorts].flatMap((port) =>
        vip.sourceCidrs.map((cidr) => ({
          id: `Ingress-${port}-${idPart(cidr)}`,
          port,
          cidr,
          description: vip.node.id,
        })),
      ),
    ),
  );
}

/** Egress to each real server on the ports its VIPs forward and check, plus package and SSM access. */
export function planEgress(vips: readonly ExchangeVip[]): PlannedRule[] {
  const toServers = vips.flatMap((vip) =>
    vip.servers.flatMap((server) =>
      vip.serverPorts.map((port) => ({
        id: `Egress-${port}-${idPart(server.address)}_32`,
        port,
        cidr: `${server.address}/32`,
        description: server.name,
      })),
    ),
  );
  const services = OUTBOUND_SERVICE_PORTS.map((port) => ({
    id: `Egress-${port}-0_0_0_0_0`,
    port,
    cidr: "0.0.0.0/0",
    description: "Debian packages and AWS Systems Manager",
  }));
  return dedupe([...toServers, ...services]);
}

/** Ingress on the Exchange servers' group, from the load balancer's group, on exactly the server ports. */
export function planServerIngress(vips: readonly ExchangeVip[]): PlannedRule[] {
  return dedupe(
    vips.flatMap((vip) =>
      vip.serverPorts.map((port) => ({
        id: `FromLoadBalancer-${port}`,
        port,
        description: `Exchange load balancer ${vip.node.id}`,
      })),
    ),
  );
}

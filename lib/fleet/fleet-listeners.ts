/**
 * What the NLB holds for each VIP: one TCP listener and target group per port, whose health
 * check asks the nodes' health endpoint about that VIP. Pure; from the VIPs' descriptions.
 */
import { VipDescription } from "../vips/description";

/** The health endpoint's section in haproxy.cfg. */
export const HEALTH_SECTION = "node_health";

/** A VIP's path on the health endpoint. */
export function healthPath(vipName: string): string {
  return `/vip/${vipName}`;
}

/**
 * The NLB's check of each node: every 5 s, out after 2 failures, back after 2 successes, so a
 * node that cannot serve gets no new connection about 10 s after it stopped. The shortest the
 * NLB takes: interval 5-300 s, thresholds 2-10 [ELB Network Load Balancers guide, "Health checks
 * for Network Load Balancer target groups"].
 */
export const NLB_HEALTH_CHECK = {
  intervalSeconds: 5,
  timeoutSeconds: 2,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

/**
 * How long a node leaving the group (scale-in, instance refresh) keeps its connections before
 * the NLB resets them: AWS's default, 300 s. Outlook and ActiveSync reconnect at once after the
 * reset, to a node in service; a longer delay holds each step of a refresh that much longer
 * [ELB Network Load Balancers guide, "Deregistration delay" and "Connection termination"].
 */
export const DEREGISTRATION_DELAY_SECONDS = 300;

/**
 * A node failing a VIP's check gets no new connection, but keeps its established ones this long
 * (the NLB's "unhealthy.draining") instead of having them reset at once: a check that fails for
 * a moment resets no Outlook session, and the clients of a node that stays unhealthy do not all
 * reconnect in the same second. As long as a reloaded HAProxy keeps its sessions (hard-stop-after,
 * 1 h) [ELB Network Load Balancers guide, "Unhealthy target connection termination"].
 */
export const UNHEALTHY_DRAINING_SECONDS = 3600;

export interface FleetListener {
  readonly port: number;
  /** The VIP's name: its target group's and its health path's. */
  readonly vip: string;
  readonly healthPath: string;
  /**
   * The VIP persists by client address (Exchange 2010): the NLB keeps a client on one node
   * (source-IP stickiness), whose stick table keeps it on one real server.
   */
  readonly sourceIpStickiness: boolean;
}

export function fleetListenersOf(vip: VipDescription): FleetListener[] {
  return [...vip.ports, ...vip.redirectPorts].map((port) => ({
    port,
    vip: vip.name,
    healthPath: healthPath(vip.name),
    sourceIpStickiness: vip.persistence.timeout !== undefined,
  }));
}

/**
 * The review document's summary, from the load balancer's model (its settings and the VIPs'
 * descriptions): what a reviewer checks first, one fact a line, so that a change shows as the
 * line it changes. The load balancer writes it into the synthesized JSON as a Terraform
 * comment, where the review reads it back.
 */
import { LoadBalancerModel } from "../config/model";
import { ExchangeProfile } from "../exchange/profiles";
import { RealServer } from "../exchange/real-server";
import { HealthCheck, TcpCheckStep } from "../haproxy/model";
import { VipDescription } from "../vips/description";

/** The summary's lines, one fact a line; a VIP's (and the pair's) indented under it. */
export function reviewSummary(model: LoadBalancerModel): string[] {
  const { profile, operatingSystem, admin } = model;
  const adminFrom = admin.cidrs.length > 0 ? admin.cidrs.join(", ") : "nobody off the node";
  return [
    `Exchange ${profile.version}: guides ${profile.guides}`,
    `HAProxy ${operatingSystem.haproxy.version} on ${operatingSystem.name}`,
    `maxconn ${model.maxconn}`,
    `admin port ${admin.port} (metrics, stats page) from ${adminFrom}`,
    ...topologyOf(model),
    ...model.vips.flatMap((vip) => vipLines(vip, profile)),
  ];
}

function topologyOf(model: LoadBalancerModel): string[] {
  const { pair, fleet } = model;
  if (pair) {
    const { kind, routeTableIds, allocationId } = pair.placement;
    const placement =
      kind === "route-table"
        ? `routes in ${routeTableIds.join(", ")}`
        : kind === "elastic-ip"
          ? `Elastic IP ${allocationId}`
          : "secondary addresses of its interface";
    return [
      `clustered pair (keepalived, VRRP router ${pair.virtualRouterId})`,
      ...pair.nodes.map(
        (node, i) =>
          `  node ${node.address} in ${node.subnetId}${i === 0 ? ", preferred master" : ""}`,
      ),
      `  the master holds the VIPs by ${placement}`,
    ];
  }
  if (fleet) {
    return [
      `fleet of ${fleet.minNodes} to ${fleet.maxNodes} nodes behind an ${fleet.scheme} Network Load Balancer`,
      ...fleet.subnets.map((subnet) => `  subnet ${subnet.subnetId}`),
    ];
  }
  return ["one instance"];
}

function vipLines(vip: VipDescription, profile: ExchangeProfile): string[] {
  const tls = vip.terminatedTls;
  const timeouts = {
    client: vip.timeouts.client ?? profile.clientTimeout.value,
    server: vip.timeouts.server ?? profile.serverTimeout.value,
    connect: vip.timeouts.connect ?? profile.connectTimeout.value,
  };
  return [
    `VIP ${vip.name} (${vip.label})`,
    ...vip.ports.map((port) => `  listens ${vip.address}:${port}`),
    ...vip.redirectPorts.map((port) => `  redirects ${vip.address}:${port} to HTTPS`),
    `  clients ${vip.sourceCidrs.join(", ")}`,
    tls
      ? `  TLS terminated (${tls.mode}), certificate ${tls.certificate.store} ${tls.certificate.id}${tls.mode === "bridge" ? ", the servers' certificates not verified" : ""}`
      : "  TLS passed through to the real servers",
    `  persistence ${vip.persistence.describe()}`,
    `  balance ${vip.balance}`,
    `  timeouts client ${timeouts.client.toHuman()}, server ${timeouts.server.toHuman()}, connect ${timeouts.connect.toHuman()}`,
    ...checkLines(vip, profile),
    ...vip.servers.map(
      (server) =>
        `  real server ${server.name} ${server.address}${serverState(server, profile.serverWeight.value)}`,
    ),
  ];
}

function checkLines(vip: VipDescription, profile: ExchangeProfile): string[] {
  const timing = vip.healthCheckTiming ?? {};
  const interval = (timing.interval ?? profile.checkInterval.value).toHuman();
  const timeout = (timing.timeout ?? profile.checkTimeout.value).toHuman();
  const rise = timing.rise ?? profile.checkRise.value;
  const fall = timing.fall ?? profile.checkFall.value;
  const checks = vip.healthCheck
    ? [`  health check ${describeCheck(vip.healthCheck)}`]
    : (vip.terminatedTls?.services ?? []).map(
        (service) => `  health check ${service.service}: ${describeCheck(service.healthCheck)}`,
      );
  return [
    ...checks,
    `  health checks every ${interval}, timeout ${timeout}, rise ${rise}, fall ${fall}`,
  ];
}

function describeCheck(check: HealthCheck): string {
  if (check.kind === "http") {
    const expect =
      "status" in check.expect ? check.expect.status : `/${check.expect.statusPattern}/`;
    const scheme = check.tls ? "HTTPS" : "HTTP";
    return `${scheme} ${check.method} ${check.uri} port ${check.port}, expects ${expect}`;
  }
  return `TCP ${check.steps.map(describeStep).join(", ")}`;
}

function describeStep(step: TcpCheckStep): string {
  if ("connect" in step) return `connect ${step.connect.port}${step.connect.tls ? " TLS" : ""}`;
  if ("send" in step) return `send ${JSON.stringify(step.send)}`;
  if ("expectString" in step) return `expect ${JSON.stringify(step.expectString)}`;
  return `expect /${step.expectRegex}/`;
}

function serverState(server: RealServer, defaultWeight: number): string {
  return ` weight ${server.weight ?? defaultWeight}, state ${server.state ?? "ready"}`;
}

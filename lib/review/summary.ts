/**
 * The review document's summary, from the load balancer's model (its settings and the VIPs'
 * descriptions): what a reviewer checks first, one fact a line, so that a change shows as the
 * line it changes. The load balancer writes it into the synthesized JSON as a Terraform
 * comment, where the review reads it back.
 */
import { LoadBalancerModel } from "../config/model";
import { RealServer } from "../exchange/real-server";
import { HealthCheck, TcpCheckStep } from "../haproxy/model";
import { VipDescription } from "../vips/description";

/** The summary's lines; a VIP's lines are indented under its `VIP` line. */
export function reviewSummary(model: LoadBalancerModel): string[] {
  const { profile, operatingSystem } = model;
  return [
    `Exchange ${profile.version}: guides ${profile.guides}`,
    `HAProxy ${operatingSystem.haproxy.version} on ${operatingSystem.name}, maxconn ${model.maxconn}`,
    topologyOf(model),
    ...model.vips.flatMap((vip) => vipLines(vip, profile.serverWeight.value)),
  ];
}

function topologyOf(model: LoadBalancerModel): string {
  const { pair, fleet } = model;
  if (pair) {
    const [first, second] = pair.nodes;
    const { kind, routeTableIds, allocationId } = pair.placement;
    const placement =
      kind === "route-table"
        ? `routes in ${routeTableIds.join(", ")}`
        : kind === "elastic-ip"
          ? `Elastic IP ${allocationId}`
          : "secondary addresses";
    return `clustered pair (keepalived, VRRP router ${pair.virtualRouterId}): ${first.address} in ${first.subnetId} preferred master, ${second.address} in ${second.subnetId}; the master holds the VIPs by ${placement}`;
  }
  if (fleet) {
    const subnets = fleet.subnets.map((subnet) => subnet.subnetId).join(", ");
    return `fleet of ${fleet.minNodes} to ${fleet.maxNodes} nodes behind an ${fleet.scheme} Network Load Balancer in ${subnets}`;
  }
  return "one instance";
}

function vipLines(vip: VipDescription, defaultWeight: number): string[] {
  const tls = vip.terminatedTls;
  return [
    `VIP ${vip.name} (${vip.label})`,
    ...vip.ports.map((port) => `  listens ${vip.address}:${port}`),
    ...vip.redirectPorts.map((port) => `  redirects ${vip.address}:${port} to HTTPS`),
    `  clients ${vip.sourceCidrs.join(", ")}`,
    tls
      ? `  TLS terminated (${tls.mode}), certificate ${tls.certificate.store} ${tls.certificate.id}`
      : "  TLS passed through to the real servers",
    `  persistence ${vip.persistence.describe()}`,
    `  balance ${vip.balance}`,
    ...checkLines(vip),
    ...vip.servers.map(
      (server) =>
        `  real server ${server.name} ${server.address}${serverState(server, defaultWeight)}`,
    ),
  ];
}

function checkLines(vip: VipDescription): string[] {
  if (vip.healthCheck) return [`  health check ${describeCheck(vip.healthCheck)}`];
  return (vip.terminatedTls?.services ?? []).map(
    (service) => `  health check ${service.service}: ${describeCheck(service.healthCheck)}`,
  );
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
  const state = server.state && server.state !== "ready" ? ` ${server.state}` : "";
  return ` weight ${server.weight ?? defaultWeight}${state}`;
}

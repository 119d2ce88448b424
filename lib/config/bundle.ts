/**
 * The config bundle of a load balancer (haproxy.cfg, the VIP list, the
 * certificates list, the reserved ports, the bridge-mode servers), rendered once from its model: the
 * user-data writes it at first boot and the config document carries it after.
 */
import { renderHaproxyConfig } from "../haproxy/render";
import { ConfigBundle } from "../delivery/bundle";
import { renderReservedPorts } from "../delivery/reserved-ports";
import { renderVipList } from "../delivery/vip-list";
import { certificatePath } from "../instance/paths";
import { deliveredProgram } from "../instance/programs";
import { renderSourceAddressList } from "../instance/source-addresses";
import { renderMonitoringSettings } from "../monitoring/settings";
import { PEER_PORT } from "../pair/pair-node";
import { BridgedServer, renderBridgeServerList } from "../tls/bridge-server-list";
import { renderCertificateList } from "../tls/certificate-list";
import { VipDescription } from "../vips/description";
import { haproxyConfigOf } from "./haproxy-config";
import { LoadBalancerModel } from "./model";

export function configBundleOf(lb: LoadBalancerModel): ConfigBundle {
  return {
    haproxyConfig: renderHaproxyConfig(haproxyConfigOf(lb)),
    vipList: renderVipList(localVipAddresses(lb)),
    certificateList: renderCertificateList(
      lb.vips.flatMap((vip) =>
        vip.terminatedTls
          ? [{ path: certificatePath(vip.name), certificate: vip.terminatedTls.certificate }]
          : [],
      ),
    ),
    reservedPorts: renderReservedPorts(listenPorts(lb)),
    bridgeServers: renderBridgeServerList(lb.vips.flatMap(bridgedServers)),
    sourceAddresses: renderSourceAddressList(lb.sourceAddresses),
    // The settings of the programs the document carries: their paths too, which the settings
    // file of a node booted by an earlier version may lack.
    monitoringSettings: renderMonitoringSettings(lb.monitoring, [
      deliveredProgram("metrics"),
      deliveredProgram("logs"),
      deliveredProgram("serverState"),
    ]),
    installProgram: deliveredProgram("install"),
    metricsProgram: deliveredProgram("metrics"),
    metricsService: deliveredProgram("metricsService"),
    logsProgram: deliveredProgram("logs"),
    logsService: deliveredProgram("logsService"),
    serverStateProgram: deliveredProgram("serverState"),
  };
}

/** A bridge-mode VIP's servers, whose certificate the same-certificate program compares with its own. */
function bridgedServers(vip: VipDescription): BridgedServer[] {
  const tls = vip.terminatedTls;
  if (tls?.mode !== "bridge") return [];
  return vip.servers.map((server) => ({
    vip: vip.name,
    required: tls.requireSameCertificate,
    bundle: certificatePath(vip.name),
    sni: tls.namespace,
    server: server.name,
    address: server.address,
    port: tls.serverPort,
  }));
}

/** Distinct VIP addresses, in the order they first appear. */
export function vipAddresses(lb: LoadBalancerModel): string[] {
  return [...new Set(lb.vips.map((vip) => vip.address))];
}

/** Addresses a node puts on its interface while it holds the VIPs; none for an Elastic IP. */
export function localVipAddresses(lb: LoadBalancerModel): string[] {
  // A fleet's VIPs are the NLB's: a node holding one would answer ARP for the NLB's address.
  if (lb.fleet) return [];
  return lb.pair?.placement.bindsWildcard ? [] : vipAddresses(lb);
}

/** Every TCP port HAProxy listens on: the VIPs' and their redirects', the pair's peers, admin, health. */
function listenPorts(lb: LoadBalancerModel): number[] {
  return [
    ...lb.vips.flatMap((vip) => [...vip.ports, ...vip.redirectPorts]),
    ...(lb.pair ? [PEER_PORT] : []),
    lb.admin.port,
    ...(lb.fleet ? [lb.fleet.healthCheckPort] : []),
  ];
}

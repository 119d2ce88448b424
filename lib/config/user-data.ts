/**
 * The user-data one node boots with: the parts of the features it runs,
 * assembled into one cloud-config. Pure.
 */
import { renderCloudConfig } from "../cloud-init/cloud-config";
import { deliveryPart } from "../delivery/boot";
import { baseInstancePart, ssmAgentPart, vipAddressesPart } from "../instance/base";
import { BootPart, assembleBoot } from "../instance/boot";
import { FROM_INTERNET, withPackageSource } from "../instance/package-source";
import { fleetNodePart } from "../fleet/boot";
import { pairNodePart } from "../pair/boot";
import { PairNode } from "../pair/pair-node";
import { certificatesPart } from "../tls/boot";
import { ConfigBundle } from "../delivery/bundle";
import { renderHaproxyConfig } from "../haproxy/render";
import { haproxyConfigOf } from "./haproxy-config";
import { LoadBalancerModel } from "./model";

/** A fleet node's first config: the document's, its health endpoint waiting for the document. */
function fleetBootConfig(lb: LoadBalancerModel): string {
  return renderHaproxyConfig(haproxyConfigOf(lb, true));
}

/**
 * @param bundle the load balancer's config bundle (`configBundleOf`), rendered once for all nodes
 * @param node the pair node, for a pair; one instance and a fleet have none
 */
export function userDataOf(lb: LoadBalancerModel, bundle: ConfigBundle, node?: PairNode): string {
  const source = lb.packageSource ?? FROM_INTERNET;
  const parts: BootPart[] = [
    baseInstancePart({ maxconn: lb.maxconn, localPeer: node?.peerName }),
    // A pair's VIPs are the master's, put on the interface by the failover program; a fleet's
    // are the NLB's.
    ...(lb.pair || lb.fleet ? [] : [vipAddressesPart()]),
    deliveryPart(lb.fleet ? { ...bundle, haproxyConfig: fleetBootConfig(lb) } : bundle),
    certificatesPart(),
    ...(lb.pair && node ? [pairNodePart(lb.pair, node)] : []),
    ...(lb.fleet ? [fleetNodePart(lb.fleet)] : []),
    ...(lb.installSsmAgent ? [ssmAgentPart(source.agentProxy)] : []),
  ];
  const { haproxy, name } = lb.operatingSystem;
  const comment = `Exchange load balancer: HAProxy ${haproxy.version} on ${name}. Generated; edit the construct, not this.`;
  return renderCloudConfig(withPackageSource(assembleBoot(comment, parts), source));
}

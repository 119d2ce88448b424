/**
 * Refuses a VIP that cannot join the load balancer: a listener another VIP
 * holds, a port listed twice, an address other than the Elastic IP's, a
 * pair node's own address, or one address more than the interface holds.
 */
import { fail } from "../core/errors";
import { VipDescription } from "../vips/description";
import { checkVipAddressesFit } from "./aws-limits";
import { LoadBalancerSettings } from "./resolve-props";

export function checkVipFits(
  vip: VipDescription,
  held: readonly VipDescription[],
  settings: LoadBalancerSettings,
): void {
  const taken = new Map<string, VipDescription>();
  for (const other of held) {
    for (const port of listeners(other)) taken.set(`${other.address}:${port}`, other);
  }
  const own = new Set<string>();
  for (const port of listeners(vip)) {
    const key = `${vip.address}:${port}`;
    const holder = taken.get(key);
    if (holder) {
      fail(
        vip.path,
        `${key} is already used by ${holder.path}`,
        "give this VIP another port or another address",
      );
    }
    if (own.has(key))
      fail(vip.path, `port ${port} is listed twice`, "give each port of the VIP once");
    own.add(key);
  }
  if (listeners(vip).includes(settings.admin.port)) {
    fail(
      vip.path,
      `port ${settings.admin.port} is the load balancer's adminPort: the security group would let this VIP's clients reach the admin port too`,
      "give the VIP another port, or the load balancer another adminPort",
    );
  }
  checkFleetVip(vip, settings);
  const pair = settings.pair;
  if (pair?.placement.bindsWildcard && vip.address !== settings.vipAddress) {
    fail(
      vip.path,
      `address ${vip.address} differs from the Elastic IP ${settings.vipAddress}`,
      "with VipPlacement.elasticIp every VIP uses the load balancer's vipAddress; give each VIP its own ports",
    );
  }
  checkNotANodesAddress(vip, settings);
  checkVipAddressesFit(vip, held, settings.vipInterfaceTypes, settings.sourceAddresses.count);
}

function listeners(vip: VipDescription): number[] {
  return [...vip.ports, ...vip.redirectPorts];
}

/** A fleet's VIPs are the NLB's addresses: one address, and no port of the health endpoint. */
function checkFleetVip(vip: VipDescription, settings: LoadBalancerSettings): void {
  const fleet = settings.fleet;
  if (!fleet) return;
  if (vip.address !== settings.vipAddress) {
    fail(
      vip.path,
      `address ${vip.address} differs from the fleet's vipAddress ${settings.vipAddress}`,
      "a fleet's VIPs are its Network Load Balancer's addresses: give the VIP no address of its own, and each VIP its own ports",
    );
  }
  if (listeners(vip).includes(fleet.healthCheckPort)) {
    fail(
      vip.path,
      `port ${fleet.healthCheckPort} is the fleet's healthCheckPort`,
      "give the VIP another port, or the fleet another healthCheckPort",
    );
  }
}

/** A VIP at a pair node's own address, or at a source address, would take it over. */
function checkNotANodesAddress(vip: VipDescription, settings: LoadBalancerSettings): void {
  if (settings.pair?.nodes.some((node) => node.address === vip.address)) {
    fail(
      vip.path,
      `address ${vip.address} is a node's own address`,
      "give the VIP an address of its own",
    );
  }
  if (settings.sourceAddresses.nodes.some((node) => node.addresses.includes(vip.address))) {
    fail(
      vip.path,
      `address ${vip.address} is a source address of the load balancer`,
      "give the VIP an address of its own",
    );
  }
}

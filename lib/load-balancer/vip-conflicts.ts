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
  const pair = settings.pair;
  if (pair?.placement.bindsWildcard && vip.address !== settings.vipAddress) {
    fail(
      vip.path,
      `address ${vip.address} differs from the Elastic IP ${settings.vipAddress}`,
      "with VipPlacement.elasticIp every VIP uses the load balancer's vipAddress; give each VIP its own ports",
    );
  }
  if (pair?.nodes.some((node) => node.address === vip.address)) {
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
  checkVipAddressesFit(vip, held, settings.vipInterfaceTypes, settings.sourceAddresses.count);
}

function listeners(vip: VipDescription): number[] {
  return [...vip.ports, ...vip.redirectPorts];
}

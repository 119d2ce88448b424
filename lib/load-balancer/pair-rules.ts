/**
 * VRRP (protocol 112) and HAProxy's peer protocol between the two nodes of a
 * pair, and nowhere else: both nodes share the security group, so the rules
 * reference the group itself.
 */
import { Construct, VpcSecurityGroupEgressRule, VpcSecurityGroupIngressRule } from "../framework";
import { PEER_PORT, VRRP_PROTOCOL } from "../pair/pair-node";

export class PairRules extends Construct {
  constructor(scope: Construct, id: string, group: string) {
    super(scope, id);
    const rules = [
      {
        id: "Vrrp",
        ipProtocol: String(VRRP_PROTOCOL),
        description: "VRRP (keepalived) between the pair",
      },
      {
        id: `Peers-${PEER_PORT}`,
        ipProtocol: "tcp",
        fromPort: PEER_PORT,
        toPort: PEER_PORT,
        description: "HAProxy peers: persistence tables between the pair",
      },
    ];
    for (const { id, ...rule } of rules) {
      const config = { securityGroupId: group, referencedSecurityGroupId: group, ...rule };
      new VpcSecurityGroupIngressRule(this, `${id}-In`, config);
      new VpcSecurityGroupEgressRule(this, `${id}-Out`, config);
    }
  }
}

/**
 * A load-balancer node's firewall, generated from the synthesized
 * security-group rules (never written by hand): default drop, replies to
 * established connections allowed, then one ACCEPT per rule. Rules that
 * reference the group itself (a pair's VRRP and peers) become rules for the
 * other node's address, the only other member of the group.
 */
import { LB_NODES, LabNode } from "./node";
import { inNs } from "./shell";
import { PairRule, Rule } from "./stacks";

export interface PairPeer {
  readonly address: string;
  readonly rules: readonly PairRule[];
}

function pairMatch(rule: PairRule): string {
  return rule.protocol === "tcp" ? `-p tcp --dport ${rule.port}` : `-p ${rule.protocol}`;
}

export function firewallRules(
  ingress: readonly Rule[],
  egress: readonly Rule[],
  peer?: PairPeer,
): string {
  return [
    "*filter",
    ":INPUT DROP [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT DROP [0:0]",
    "-A INPUT -i lo -j ACCEPT",
    "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    ...ingress.map((r) => `-A INPUT -p tcp -s ${r.cidr} --dport ${r.port} -j ACCEPT`),
    ...(peer?.rules ?? []).map((r) => `-A INPUT ${pairMatch(r)} -s ${peer?.address} -j ACCEPT`),
    "-A OUTPUT -o lo -j ACCEPT",
    "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    ...egress.map((r) => `-A OUTPUT -p tcp -d ${r.cidr} --dport ${r.port} -j ACCEPT`),
    ...(peer?.rules ?? []).map((r) => `-A OUTPUT ${pairMatch(r)} -d ${peer?.address} -j ACCEPT`),
    "COMMIT",
    "",
  ].join("\n");
}

export function applyFirewall(
  ingress: readonly Rule[],
  egress: readonly Rule[],
  node: LabNode = LB_NODES.lb,
  peer?: PairPeer,
): void {
  inNs(node.ns, ["iptables-restore"], { input: firewallRules(ingress, egress, peer) });
}

/** Opens a node's firewall completely: an idle node must not keep a stale rule set. */
export function clearFirewall(node: LabNode): void {
  inNs(node.ns, ["iptables-restore"], {
    input: [
      "*filter",
      ":INPUT ACCEPT [0:0]",
      ":FORWARD ACCEPT [0:0]",
      ":OUTPUT ACCEPT [0:0]",
      "COMMIT",
      "",
    ].join("\n"),
  });
}

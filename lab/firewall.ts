/**
 * The load balancer namespace's firewall, generated from the synthesized
 * security-group rules (never written by hand): default drop, replies to
 * established connections allowed, then one ACCEPT per rule.
 */
import { HOSTS } from "./topology";
import { inNs } from "./shell";
import { Rule } from "./stacks";

export function firewallRules(ingress: readonly Rule[], egress: readonly Rule[]): string {
  return [
    "*filter",
    ":INPUT DROP [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT DROP [0:0]",
    "-A INPUT -i lo -j ACCEPT",
    "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    ...ingress.map((r) => `-A INPUT -p tcp -s ${r.cidr} --dport ${r.port} -j ACCEPT`),
    "-A OUTPUT -o lo -j ACCEPT",
    "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    ...egress.map((r) => `-A OUTPUT -p tcp -d ${r.cidr} --dport ${r.port} -j ACCEPT`),
    "COMMIT",
    "",
  ].join("\n");
}

export function applyFirewall(ingress: readonly Rule[], egress: readonly Rule[]): void {
  inNs(HOSTS.lb.ns, ["iptables-restore"], { input: firewallRules(ingress, egress) });
}

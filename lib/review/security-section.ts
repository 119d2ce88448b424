/**
 * The security groups: each group, then every rule as one line of one table (group, direction,
 * protocol, ports, peer, description) sorted by group, direction, protocol, port (as a number)
 * and peer, whatever resource holds it: the rule resources (the load balancer's, and those added
 * elsewhere in the stack), the older `aws_security_group_rule`, or a group's inline rules.
 */
import { OUTSIDE, ReviewContext } from "./context";
import { NOTE } from "./diff";
import { outline } from "./outline";
import { Section, section } from "./text";
import { Element, compare } from "./terraform-json";

export const SECURITY_SECTION = "Security groups";

const RULE_TYPES: Record<string, "in" | "out"> = {
  aws_vpc_security_group_ingress_rule: "in",
  aws_vpc_security_group_egress_rule: "out",
};

/** IP protocol numbers the table names (VRRP is keepalived's). */
const PROTOCOLS: Record<string, string> = { "-1": "all", "112": "vrrp(112)", "1": "icmp" };

const SECURITY_NOTE = `${NOTE}Applied by cdktf deploy, in place: a rule added for a real server or VIP comes before the config that uses it; a removed rule may go before the nodes have the config that stops using it.`;

export function isSecurity(element: Element): boolean {
  return (
    element.type === "aws_security_group" ||
    element.type === "aws_security_group_rule" ||
    element.type in RULE_TYPES
  );
}

type Rule = Record<string, unknown>;

interface Row {
  readonly group: string;
  readonly direction: "in" | "out";
  readonly protocol: string;
  readonly from: number;
  readonly text: string;
}

export function securitySection(context: ReviewContext): Section {
  const rows: Row[] = [];
  const blocks = [];
  for (const element of context.elements.filter(isSecurity)) {
    const block = context.placeholders.value(element.block) as Rule;
    const origin = element.path.endsWith(OUTSIDE) ? ` [${element.path}]` : "";
    const direction = RULE_TYPES[element.type] ?? ruleDirection(block);
    if (direction) {
      rows.push(rowOf(`${block.security_group_id}`, direction, block, origin));
      continue;
    }
    const { ingress, egress, ...rest } = block;
    for (const rule of [ingress ?? []].flat() as Rule[]) rows.push(rowOf(element.path, "in", rule));
    for (const rule of [egress ?? []].flat() as Rule[]) rows.push(rowOf(element.path, "out", rule));
    const attributes = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== "//"));
    blocks.push({ title: `${element.type} ${element.path}`, lines: outline(attributes) });
  }
  const sorted = rows.sort(
    (a, b) =>
      compare(a.group, b.group) ||
      compare(a.direction, b.direction) ||
      compare(a.protocol, b.protocol) ||
      a.from - b.from ||
      compare(a.text, b.text),
  );
  const lines = [...new Set(sorted.map((row) => `  ${row.text}`))];
  const table = { title: "rules: group direction protocol ports peer: description", lines };
  return section(SECURITY_SECTION, [SECURITY_NOTE], [...blocks, table]);
}

/** `aws_security_group_rule`: its `type`; anything else is a group. */
function ruleDirection(block: Rule): "in" | "out" | undefined {
  if (block.type === "ingress") return "in";
  return block.type === "egress" ? "out" : undefined;
}

function rowOf(group: string, direction: "in" | "out", rule: Rule, origin = ""): Row {
  const raw = `${rule.ip_protocol ?? rule.protocol ?? "-1"}`;
  const protocol = PROTOCOLS[raw] ?? raw;
  const from = Number(rule.from_port ?? -1);
  const to = rule.to_port;
  const ports =
    raw === "-1"
      ? "all"
      : rule.from_port === undefined
        ? "-"
        : from === to
          ? `${from}`
          : `${from}-${to}`;
  const description = rule.description ? `: ${rule.description}` : "";
  const name = unwrapId(group);
  const text = `${name} ${direction} ${protocol} ${ports} ${peerOf(rule)}${description}${origin}`;
  return { group: name, direction, protocol, from, text };
}

function peerOf(rule: Rule): string {
  const peers = [
    rule.cidr_ipv4,
    rule.cidr_ipv6,
    rule.prefix_list_id,
    rule.referenced_security_group_id,
    rule.source_security_group_id,
    rule.cidr_blocks,
    rule.ipv6_cidr_blocks,
    rule.security_groups,
    rule.self ? "self" : undefined,
  ].flat();
  const named = peers
    .filter((peer) => peer !== undefined && peer !== null)
    .map((peer) => unwrapId(`${peer}`));
  return named.length > 0 ? named.join(",") : "(no peer)";
}

/** `<SecurityGroup.id>` names the group: `SecurityGroup`. */
function unwrapId(value: string): string {
  return /^<(.+)\.id>$/.exec(value)?.[1] ?? value;
}

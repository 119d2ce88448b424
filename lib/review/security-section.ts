/**
 * The security groups: each group, then every rule as one line of one sorted table (group,
 * direction, protocol, ports, peer, description), whatever resource holds it: the rule
 * resources, or a group's inline rules.
 */
import { ReviewContext } from "./context";
import { outline } from "./outline";
import { Section, section } from "./text";
import { Element, compare } from "./terraform-json";

export const SECURITY_SECTION = "Security groups";

const RULE_TYPES: Record<string, "in" | "out"> = {
  aws_vpc_security_group_ingress_rule: "in",
  aws_vpc_security_group_egress_rule: "out",
};

export function isSecurity(element: Element): boolean {
  return element.type === "aws_security_group" || element.type in RULE_TYPES;
}

type Rule = Record<string, unknown>;

export function securitySection(context: ReviewContext): Section {
  const text = (value: unknown) => context.placeholders.value(value) as Rule;
  const rows: string[] = [];
  const blocks = [];
  for (const element of context.elements.filter(isSecurity)) {
    const block = text(element.block);
    const direction = RULE_TYPES[element.type];
    if (direction) {
      rows.push(row(`${block.security_group_id}`, direction, block));
      continue;
    }
    const { ingress, egress, ...rest } = block;
    for (const rule of [ingress ?? []].flat() as Rule[]) rows.push(row(element.path, "in", rule));
    for (const rule of [egress ?? []].flat() as Rule[]) rows.push(row(element.path, "out", rule));
    const attributes = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== "//"));
    blocks.push({ title: `${element.type} ${element.path}`, lines: outline(attributes) });
  }
  const table = { title: "rules: group direction protocol ports peer: description", lines: [] };
  const sorted = [...new Set(rows)].sort(compare).map((line) => `  ${line}`);
  return section(SECURITY_SECTION, [], [...blocks, { ...table, lines: sorted }]);
}

function row(group: string, direction: "in" | "out", rule: Rule): string {
  const protocol = `${rule.ip_protocol ?? rule.protocol ?? "-1"}`;
  const from = rule.from_port;
  const to = rule.to_port;
  const ports =
    protocol === "-1"
      ? "all"
      : from === undefined
        ? "-"
        : from === to
          ? `${from}`
          : `${from}-${to}`;
  const peer = peerOf(rule);
  const description = rule.description ? `: ${rule.description}` : "";
  const name = /^<(.+)\.id>$/.exec(group)?.[1] ?? group;
  return `${name} ${direction} ${protocol === "-1" ? "all" : protocol} ${ports} ${peer}${description}`;
}

function peerOf(rule: Rule): string {
  const peers = [
    rule.cidr_ipv4,
    rule.cidr_ipv6,
    rule.prefix_list_id,
    rule.referenced_security_group_id,
    rule.cidr_blocks,
    rule.ipv6_cidr_blocks,
    rule.security_groups,
    rule.self ? "self" : undefined,
  ].flat();
  const named = peers
    .filter((peer) => peer !== undefined && peer !== null)
    .map((peer) => /^<(.+)\.id>$/.exec(`${peer}`)?.[1] ?? `${peer}`);
  return named.length > 0 ? named.join(",") : "(no peer)";
}

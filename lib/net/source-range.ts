/**
 * Allowed client sources as the guides write them (001 appendix 2, 004 appendix 2):
 * a single smart host, a CIDR block, a full range `a.b.c.d-a.b.c.e`, or the short
 * form `a.b.c.50-60`. Security groups only take CIDRs, so a range becomes its
 * minimal exact CIDR cover.
 */
import {
  Cidr,
  Ipv4Number,
  cidrRange,
  cidrSize,
  formatCidr,
  formatIpv4,
  parseCidr,
  parseIpv4,
} from "./ipv4";

/** An inclusive range of IPv4 addresses. */
export interface AddressRange {
  readonly first: Ipv4Number;
  readonly last: Ipv4Number;
}

/** Parses one source; returns a reason (string) when it is not valid. */
export function parseSource(text: string): AddressRange | string {
  const source = text.trim();
  if (source.includes("/")) {
    const cidr = parseCidr(source);
    return typeof cidr === "string" ? cidr : cidrRange(cidr);
  }
  const dash = source.indexOf("-");
  if (dash < 0) {
    const address = parseIpv4(source);
    return address === undefined
      ? `"${text}" is not an IPv4 address, CIDR block or range`
      : { first: address, last: address };
  }
  const startText = source.slice(0, dash);
  const endText = source.slice(dash + 1);
  const first = parseIpv4(startText);
  if (first === undefined) return `range start "${startText}" in "${text}" is not an IPv4 address`;
  let last: Ipv4Number | undefined;
  if (/^\d{1,3}$/.test(endText)) {
    // Short form a.b.c.50-60: the end replaces the last octet.
    const octet = Number(endText);
    last = octet <= 255 ? first - (first % 256) + octet : undefined;
  } else {
    last = parseIpv4(endText);
  }
  if (last === undefined) return `range end "${endText}" in "${text}" is not an IPv4 address`;
  if (first > last) {
    return `range "${text}" starts after it ends (${formatIpv4(first)} > ${formatIpv4(last)})`;
  }
  return { first, last };
}

/**
 * The minimal set of CIDR blocks whose union is exactly the range: at each step
 * take the largest block that starts at the current address, is aligned on its
 * own size, and does not pass the end.
 */
export function rangeToCidrs(range: AddressRange): Cidr[] {
  const blocks: Cidr[] = [];
  let current = range.first;
  while (current <= range.last) {
    let prefix = 32;
    while (prefix > 0) {
      const size = cidrSize(prefix - 1);
      if (current % size !== 0 || current + size - 1 > range.last) break;
      prefix -= 1;
    }
    blocks.push({ base: current, prefix });
    current += cidrSize(prefix);
  }
  return blocks;
}

/** CIDR text for a source, e.g. `192.168.30.50-60` -> 4 blocks. Throws on invalid input. */
export function sourceToCidrs(text: string): string[] {
  const range = parseSource(text);
  if (typeof range === "string") throw new Error(range);
  return rangeToCidrs(range).map(formatCidr);
}

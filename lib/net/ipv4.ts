/**
 * IPv4 addresses and CIDR blocks as plain numbers, so that ranges and covers
 * are exact integer arithmetic. Pure: no framework imports.
 */

/** An IPv4 address as an unsigned 32-bit integer. */
export type Ipv4Number = number;

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad text; returns undefined when it is not an IPv4 address. */
export function parseIpv4(text: string): Ipv4Number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined;
}

export function formatIpv4(value: Ipv4Number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** A CIDR block whose base address has no host bits set. */
export interface Cidr {
  readonly base: Ipv4Number;
  readonly prefix: number;
}

export function cidrSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

/**
 * Parses `a.b.c.d/n`. Returns a reason instead of a block when the text is not
 * a CIDR or has host bits set (AWS rejects `10.0.0.1/24` in security group rules).
 */
export function parseCidr(text: string): Cidr | string {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return `"${text}" is not a CIDR block (expected a.b.c.d/n)`;
  const base = parseIpv4(match[1]);
  const prefix = Number(match[2]);
  if (base === undefined) return `"${match[1]}" in "${text}" is not an IPv4 address`;
  if (prefix > 32) return `prefix /${prefix} in "${text}" is larger than 32`;
  if (base % cidrSize(prefix) !== 0) {
    const aligned = base - (base % cidrSize(prefix));
    return `"${text}" has host bits set; the block is ${formatIpv4(aligned)}/${prefix}`;
  }
  return { base, prefix };
}

/** Inclusive address range of a CIDR block. */
export function cidrRange(cidr: Cidr): { first: Ipv4Number; last: Ipv4Number } {
  return { first: cidr.base, last: cidr.base + cidrSize(cidr.prefix) - 1 };
}

/**
 * What HAProxy's connections may cost at most, and the global maxconn an instance holds. Each
 * stream holds two buffers of `tune.bufsize` while data moves (HAProxy 2.6 manual, 3.2
 * tune.bufsize: "At least the global maxconn parameter should be decreased by the same factor
 * as this one is increased"); a connection whose TLS the load balancer terminates holds an
 * OpenSSL session too; and each holds its structures and two sockets while idle. The worst
 * case is every connection moving data at once. Pure.
 */
import { FILE_HEADROOM, FILE_LIMIT_FLOOR } from "../instance/base";
import { VipDescription } from "../vips/description";

/** HAProxy's default `tune.bufsize`. */
export const DEFAULT_BUFSIZE = 16_384;

export const SIZING = Object.freeze({
  /**
   * An idle proxied connection's memory in HAProxy (stream, two connections, descriptors):
   * `npm run bench:lab` measured 3.5 KiB (HAProxy 3.0, 9,900 held), rounded up.
   */
  fixedBytes: 4_096,
  /**
   * The kernel's two sockets of a proxied connection, at rest (socket, TCP control blocks).
   */
  kernelBytes: 4_096,
  /**
   * What a TLS connection the load balancer terminates adds: `npm run bench:lab` measured
   * 32.6 KiB idle (36.1 KiB a held connection, less 3.5 without TLS; HAProxy 3.0), and OpenSSL
   * holds a read and a write record buffer (about 17 KiB each) while data moves: 68 KiB.
   */
  tlsBytes: 69_632,
  /** Left to Debian, the SSM agent, keepalived, the monitoring programs and the page cache. */
  reservedMiB: 768,
  /** The default maxconn where the instance type's memory is not known (no table entry). */
  unsizedDefault: 20_000,
  /**
   * Two descriptors a connection within the file limit HAProxy always has (FILE_LIMIT_FLOOR,
   * 1,048,576, less 1,024 of headroom: base.ts), so the default never raises it: 523,776.
   */
  largest: (FILE_LIMIT_FLOOR - FILE_HEADROOM) / 2,
  /**
   * Connections one source address may hold to one real server: the ephemeral range's 64,000
   * ports less the listener ports reserved from it, with room for the health checks, which
   * leave from the primary address and fail once its ports towards the server are all taken.
   */
  perServerLine: 60_000,
});

/** A VIP's own connection limit: its prop, or its share of the load balancer's; none: undefined. */
export function vipMaxconn(vip: VipDescription, maxconn: number): number | undefined {
  if (vip.maxconn !== undefined) return vip.maxconn;
  return vip.maxconnShare === undefined
    ? undefined
    : Math.max(1, Math.ceil(maxconn * vip.maxconnShare));
}

/** `tune.bufsize`: the largest request buffer any VIP asks for; HAProxy's default when none does. */
export function bufsizeOf(vips: readonly VipDescription[]): number | undefined {
  const buffers = vips.flatMap((vip) => vip.terminatedTls?.requestBuffer ?? []);
  return buffers.length > 0 ? Math.max(...buffers) : undefined;
}

/** One proxied connection at worst: two buffers in flight, its structures, its sockets. */
function plainBytes(vips: readonly VipDescription[]): number {
  return 2 * (bufsizeOf(vips) ?? DEFAULT_BUFSIZE) + SIZING.fixedBytes + SIZING.kernelBytes;
}

/** What HAProxy may use of an instance with `memoryMiB`. */
export function usableBytes(memoryMiB: number): number {
  return Math.max(0, memoryMiB - SIZING.reservedMiB) * 1024 * 1024;
}

/**
 * The maxconn an instance of `memoryMiB` holds at worst with these VIPs (every connection a
 * terminated one if any VIP terminates TLS), and that its source ports reach: `perServerLine`
 * per real server and source address, in the VIP with the fewest servers (`lines`: 1 and the
 * extra source addresses); `SIZING.unsizedDefault` for an unknown type.
 */
export function defaultMaxconn(
  memoryMiB: number | undefined,
  vips: readonly VipDescription[],
  lines = 1,
): number {
  const forwarded = vips.filter((vip) => vip.ports.length > 0).map((vip) => vip.servers.length);
  const ports =
    forwarded.length > 0 ? SIZING.perServerLine * lines * Math.min(...forwarded) : Infinity;
  if (memoryMiB === undefined) return Math.min(SIZING.unsizedDefault, ports);
  const tls = vips.some((vip) => vip.terminatedTls) ? SIZING.tlsBytes : 0;
  const fits = Math.floor(usableBytes(memoryMiB) / (plainBytes(vips) + tls));
  return Math.max(1, Math.min(SIZING.largest, fits, ports));
}

/**
 * The memory `maxconn` connections may take at worst: every one moving data, and as many of
 * them terminated TLS connections as the terminating VIPs' own limits (`limits`, by VIP name;
 * none: the global one) let in.
 */
export function worstCaseBytes(
  maxconn: number,
  vips: readonly VipDescription[],
  limits: ReadonlyMap<string, number | undefined>,
): number {
  const terminating = vips.filter((vip) => vip.terminatedTls);
  const terminated = Math.min(
    maxconn,
    terminating.reduce((n, vip) => n + (limits.get(vip.name) ?? maxconn), 0),
  );
  return maxconn * plainBytes(vips) + terminated * SIZING.tlsBytes;
}

/**
 * Extra source addresses towards the real servers: one source address reaches at most one
 * ephemeral range of connections to one server address and port (about 64k), so each real
 * server gets one server line per source address [HAProxy 2.6 manual, 5.2 source: "Doing so
 * makes it possible to bypass the maximum of 64k total concurrent connections"; Kemp 002
 * §2.2, connection scaling past 64k]. The first line is the server's own (health check,
 * state); each other line tracks it and leaves from one extra address, which the source
 * address program learns from this node's line of the delivered list and writes into
 * HAProxy's environment before each start.
 */

/** The variable HAProxy's unit reads the node's primary address from (written at each start). */
export const SOURCE_ADDRESS_ENV = "EXCHANGE_LB_SOURCE";
/**
 * haproxy.cfg's `source`: the node's primary address, never a VIP, which cloud-init
 * configures as `<vip>/24` from IMDS and the kernel then prefers for the subnet; unset
 * (a check off the node), 0.0.0.0 leaves the choice to the kernel as before.
 */
export const SOURCE_ADDRESS_WORD = `"\${${SOURCE_ADDRESS_ENV}-0.0.0.0}"`;
export const SOURCE_ADDRESS_COMMENT =
  "connections to the servers leave from the node's primary address, the one the receive " +
  "connector allows, never a VIP [HAProxy 2.6 manual, 4.2 source; 2.3 environment variables]";

/** Server lines past the first are named `<server><suffix><n>`, n from 2. */
export const SOURCE_LINE_SUFFIX = ":src";

/** A real server name that would read as a source line of another. */
export const SOURCE_LINE_NAME = new RegExp(`${SOURCE_LINE_SUFFIX}[0-9]+$`);

/** The list's key of a single instance's line (a pair's nodes use their peer names). */
export const ONE_INSTANCE_KEY = "*";

/** Each node's extra source addresses, every node the same number of them. */
export interface SourceAddresses {
  /** Extra addresses per node; 0: the primary address alone, as before. */
  readonly count: number;
  /** The list form: each node's addresses, named. Empty with the count form. */
  readonly nodes: readonly { readonly key: string; readonly addresses: readonly string[] }[];
  /**
   * The count form (a fleet): EC2 assigns `count` secondary addresses to each node's interface
   * at launch, and the program learns them from IMDS.
   */
  readonly assignedAtLaunch?: boolean;
}

export const NO_SOURCE_ADDRESSES: SourceAddresses = Object.freeze({ count: 0, nodes: [] });

/** The count form's line in the delivered list: `* count=<n>`. */
export const COUNT_WORD = "count=";

/** The environment variable of source line `line` (2 and up). */
export function sourceAddressEnv(line: number): string {
  return `${SOURCE_ADDRESS_ENV}_${line}`;
}

/**
 * haproxy.cfg's `source` of line `line`: the address written before the start; unset (a check
 * off the node, or a line added since the start), 0.0.0.0 leaves the choice to the kernel:
 * the primary address.
 */
export function sourceAddressWord(line: number): string {
  return `"\${${sourceAddressEnv(line)}-0.0.0.0}"`;
}

export function sourceLineName(server: string, line: number): string {
  return `${server}${SOURCE_LINE_SUFFIX}${line}`;
}

/**
 * The delivered list: `<node> <address>...` a line, in the order the nodes were given; the
 * count form's one line, `* count=<n>`, holds for every node of the fleet.
 */
export function renderSourceAddressList(sources: SourceAddresses): string {
  if (sources.assignedAtLaunch) return `${ONE_INSTANCE_KEY} ${COUNT_WORD}${sources.count}\n`;
  return sources.nodes.map((node) => `${[node.key, ...node.addresses].join(" ")}\n`).join("");
}

/**
 * Turns what a VIP kind decides and what every VIP accepts into the VIP's
 * description, checking both: the one place a VIP's data is assembled. The
 * description is a frozen copy: a prop changed after the VIP was constructed
 * changes nothing.
 */
import { fail } from "../core/errors";
import { Cited, sectionOf } from "../exchange/citation";
import { frozenCopy } from "../core/frozen";
import { Persistence } from "../exchange/persistence";
import { HealthCheck } from "../haproxy/model";
import { isIpv4 } from "../net/ipv4";
import { ExchangeSide, TerminatedTls, VipDescription } from "./description";
import {
  resolveSources,
  validateHealthCheck,
  validateMaxconn,
  validatePorts,
  validateServers,
} from "./checks";
import { VipOptions, VipTimeouts } from "./options";
import { VipDefaults } from "./vip-host";

/** What a VIP kind (a subclass) decides about its traffic. */
export interface VipKind {
  /** The guides' name, e.g. `CAS-HTTPS`; heads the VIP's comments in haproxy.cfg. */
  readonly label: string;
  /** Ports clients connect to; the real servers listen on the same ports. */
  readonly ports: readonly number[];
  /** Ports answered by the load balancer itself (an HTTP redirect), not forwarded. */
  readonly redirectPorts?: readonly number[];
  readonly persistence: Persistence;
  /** Absent where each published service has its own (`terminatedTls`). */
  readonly healthCheck?: HealthCheck;
  /** Citations printed above the VIP's sections in haproxy.cfg. */
  readonly notes: readonly string[];
  /**
   * Ports the real servers are reached on, when they differ from `ports`.
   * @default `ports` plus the health check's ports
   */
  readonly serverPorts?: readonly number[];
  readonly terminatedTls?: TerminatedTls;
  readonly exchangeSide?: ExchangeSide;
  /** Whether sessions to a server marked down are cut (`on-marked-down shutdown-sessions`). */
  readonly shutdownSessionsOnDown: Cited<boolean>;
  /** The kind's own idle timeouts, where they differ from the profile's. */
  readonly timeouts?: VipTimeouts;
  /** Without a `maxconn` prop: the VIP's share of the load balancer's maxconn. */
  readonly maxconnShare?: Cited<number>;
}

export function describeVip(
  path: string,
  name: string,
  defaults: VipDefaults,
  options: VipOptions,
  kind: VipKind,
): VipDescription {
  const address = options.address ?? defaults.vipAddress;
  if (!isIpv4(address)) {
    fail(path, `address "${address}" is not an IPv4 address`, "give the VIP as a.b.c.d");
  }
  const redirectPorts = kind.redirectPorts ?? [];
  validatePorts(path, [...kind.ports, ...redirectPorts]);
  validateHealthCheck(path, options.healthCheck);
  validateMaxconn(path, options.maxconn);
  return frozenCopy({
    name,
    path,
    label: kind.label,
    address,
    ports: kind.ports,
    redirectPorts,
    servers: validateServers(path, options.servers ?? defaults.servers),
    serverPorts: kind.serverPorts ?? serverPortsOf(kind),
    sourceCidrs: resolveSources(path, options.allowedSources ?? defaults.clientCidrs),
    balance: options.balance ?? defaults.profile.balance.value,
    persistence: kind.persistence,
    timeouts: { ...kind.timeouts, ...definedOnly(options.timeouts ?? {}) },
    healthCheck: kind.healthCheck,
    healthCheckTiming: options.healthCheck,
    notes: [
      `${kind.label}: ${kind.notes[0]}`,
      ...kind.notes.slice(1),
      sessionsNote(kind),
      ...limitNote(options.maxconn, kind.maxconnShare),
    ],
    maxconn: options.maxconn,
    maxconnShare: options.maxconn === undefined ? kind.maxconnShare?.value : undefined,
    shutdownSessionsOnDown: kind.shutdownSessionsOnDown.value,
    terminatedTls: kind.terminatedTls,
    exchangeSide: kind.exchangeSide,
  });
}

function sessionsNote(kind: VipKind): string {
  const { value, source } = kind.shutdownSessionsOnDown;
  const what = value ? "cut" : "kept until they end";
  return `sessions to a server marked down: ${what} [${sectionOf(source)}]`;
}

/** Why the VIP's frontend has a connection limit, if it has one. */
function limitNote(given: number | undefined, share: Cited<number> | undefined): string[] {
  if (given !== undefined) return [`maxconn ${given}: its own limit (maxconn prop)`];
  if (!share) return [];
  return [`maxconn: ${share.value * 100} % of the load balancer's [${share.source}]`];
}

/** The timeouts the user set, without keys given as undefined. */
function definedOnly(timeouts: VipTimeouts): VipTimeouts {
  return Object.fromEntries(Object.entries(timeouts).filter(([, v]) => v !== undefined));
}

/** The forwarded ports plus every port the health checks connect to. */
function serverPortsOf(kind: VipKind): number[] {
  const checks = [
    ...(kind.healthCheck ? [kind.healthCheck] : []),
    ...(kind.terminatedTls?.services.map((service) => service.healthCheck) ?? []),
  ];
  const checkPorts = checks.flatMap((check) =>
    check.kind === "http"
      ? [check.port]
      : check.steps.flatMap((step) => ("connect" in step ? [step.connect.port] : [])),
  );
  return [...new Set([...kind.ports, ...checkPorts])].sort((a, b) => a - b);
}

/**
 * What every VIP shares: an address, ports, real servers, who may connect, how
 * connections are balanced and kept, timeouts and health-check timing. A
 * subclass names the Exchange service, its ports and its health check.
 */
import { Duration } from "../core/duration";
import { fail } from "../core/errors";
import { BalanceMode } from "../exchange/balance-mode";
import { Cited } from "../exchange/citation";
import { HealthCheckOptions } from "../exchange/health-check";
import { Persistence } from "../exchange/persistence";
import { ExchangeProfile } from "../exchange/profiles";
import { RealServer } from "../exchange/real-server";
import { Construct, Token } from "../framework";
import {
  Backend,
  Bind,
  Frontend,
  HealthCheck,
  Server,
  ServiceGroup,
  Timeouts,
} from "../haproxy/model";
import { isIpv4 } from "../net/ipv4";
import { parseSource, sourceToCidrs } from "../net/source-range";
import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { CERTIFICATE_DIR } from "../tls/certificate-script";
import type { TlsCertificate } from "../tls/tls-certificate";

/** Idle timeouts of one VIP. */
export interface VipTimeouts {
  /**
   * Idle time allowed on the client side.
   * @default the profile's client timeout (1 h for 2010, 30 min for 2013+)
   */
  readonly client?: Duration;
  /**
   * Idle time allowed on the server side.
   * @default the profile's server timeout (1 h for 2010, 30 min for 2013+)
   */
  readonly server?: Duration;
  /**
   * Time allowed to connect to a real server.
   * @default 4 s (001 §11 step 1)
   */
  readonly connect?: Duration;
}

/** Settings every VIP accepts. */
export interface VipOptions {
  /**
   * Address clients connect to; added to the instance as a secondary private IP.
   * @default the load balancer's `vipAddress`
   */
  readonly address?: string;
  /**
   * Real servers of this VIP, e.g. separate Hub Transport servers for SMTP.
   * @default the load balancer's `servers`
   */
  readonly servers?: RealServer[];
  /**
   * Who may connect: addresses, CIDR blocks, ranges `a.b.c.d-a.b.c.e` or the short
   * form `a.b.c.50-60`. Ranges become their minimal exact CIDR cover.
   * @default the load balancer's `clientCidrs`
   */
  readonly allowedSources?: string[];
  /**
   * How a new connection picks a real server.
   * @default BalanceMode.ROUND_ROBIN (weighted, 001 §11 step 2)
   */
  readonly balance?: BalanceMode;
  /**
   * Server affinity.
   * @default the service's profile value (see the README defaults table)
   */
  readonly persistence?: Persistence;
  /**
   * Idle and connect timeouts.
   * @default the profile's timeouts
   */
  readonly timeouts?: VipTimeouts;
  /**
   * Health-check timing.
   * @default interval 1 s, rise 2, fall 3 (003 §3.1)
   */
  readonly healthCheck?: HealthCheckOptions;
}

/** What a subclass decides about its service. */
export interface VipService {
  /** The guides' label, e.g. `CAS-WEB`; shown in haproxy.cfg comments. */
  readonly label: string;
  /** Ports clients connect to; the real servers listen on the same ports. */
  readonly ports: readonly number[];
  readonly persistence: Persistence;
  readonly healthCheck: HealthCheck;
  /** Citations printed above the VIP's sections in haproxy.cfg. */
  readonly notes: readonly string[];
  /** Ports answered by the load balancer itself (an HTTP redirect), not forwarded. */
  readonly redirectPorts?: readonly number[];
  /** The certificate HAProxy terminates TLS with, fetched at boot. */
  readonly certificate?: TlsCertificate;
  /** HAProxy's request buffer (`tune.bufsize`) the service needs, if above the default. */
  readonly requestBuffer?: number;
  /**
   * Ports the real servers are reached on, when they differ from `ports`.
   * @default `ports` plus the health check's ports
   */
  readonly serverPorts?: readonly number[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
/** The redirect frontend of VIP `X` is `X-redirect`. */
const REDIRECT_SUFFIX = "-redirect";

/** A virtual service: one or more ports on one address, balanced over real servers. */
export abstract class ExchangeVip extends Construct {
  public readonly loadBalancer: ExchangeLoadBalancer;
  /** Address clients connect to. */
  public readonly address: string;
  /** Ports forwarded to the real servers. */
  public readonly ports: readonly number[];
  /** Ports the load balancer answers itself. */
  public readonly redirectPorts: readonly number[];
  public readonly servers: readonly RealServer[];
  public readonly persistence: Persistence;
  public readonly balance: BalanceMode;
  /** CIDR blocks allowed to connect, deduplicated, in the order given. */
  public readonly sourceCidrs: readonly string[];
  /** True when `allowedSources` was given rather than inherited. */
  protected readonly hasOwnSources: boolean;
  private readonly service: VipService;
  private readonly options: VipOptions;

  protected constructor(
    lb: ExchangeLoadBalancer,
    id: string,
    options: VipOptions,
    service: VipService,
  ) {
    super(lb, id);
    if (!NAME.test(id)) {
      fail(
        this,
        `VIP id "${id}" is not a valid HAProxy section name`,
        "use letters, digits, _ . : -",
      );
    }
    if (id.endsWith(REDIRECT_SUFFIX)) {
      fail(
        this,
        `VIP ids ending in "${REDIRECT_SUFFIX}" are reserved for HTTP redirect frontends`,
        "choose another id",
      );
    }
    this.loadBalancer = lb;
    this.options = options;
    this.service = service;
    this.address = options.address ?? lb.vipAddress;
    if (!isIpv4(this.address)) {
      fail(this, `address "${this.address}" is not an IPv4 address`, "give the VIP as a.b.c.d");
    }
    for (const port of [...service.ports, ...(service.redirectPorts ?? [])]) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        fail(this, `port ${port} is outside 1-65535`, "give a TCP port between 1 and 65535");
      }
    }
    this.ports = service.ports;
    this.redirectPorts = service.redirectPorts ?? [];
    this.servers = validateServers(this, options.servers ?? lb.servers);
    this.persistence = service.persistence;
    this.balance = options.balance ?? lb.profile.balance.value;
    this.hasOwnSources = options.allowedSources !== undefined;
    this.sourceCidrs = resolveSources(this, options.allowedSources ?? lb.clientCidrs);
    validateHealthCheck(this, options.healthCheck);
    lb.registerVip(this);
  }

  /** The listeners this VIP occupies, for conflict checks. */
  public get binds(): Bind[] {
    return [...this.ports, ...this.redirectPorts].map((port) => ({ address: this.address, port }));
  }

  /** The certificate this VIP terminates TLS with and where HAProxy reads it; none for pass-through. */
  public get terminatedCertificate(): { path: string; certificate: TlsCertificate } | undefined {
    const certificate = this.service.certificate;
    return certificate
      ? { path: `${CERTIFICATE_DIR}/${this.node.id}.pem`, certificate }
      : undefined;
  }

  /** HAProxy's request buffer this VIP needs, if larger than the default. */
  public get requestBuffer(): number | undefined {
    return this.service.requestBuffer;
  }

  /** Ports on the real servers that traffic and health checks reach. */
  public get serverPorts(): number[] {
    if (this.service.serverPorts) return [...this.service.serverPorts];
    const check = this.service.healthCheck;
    const checkPorts =
      check.kind === "http"
        ? [check.port]
        : check.steps.flatMap((step) => ("connect" in step ? [step.connect.port] : []));
    return [...new Set([...this.ports, ...checkPorts])].sort((a, b) => a - b);
  }

  /** The HAProxy sections of this VIP. */
  public toHaproxy(profile: ExchangeProfile): ServiceGroup {
    const name = this.node.id;
    const timeouts = this.options.timeouts ?? {};
    const notes = [
      `${this.service.label}: ${this.service.notes[0]}`,
      ...this.service.notes.slice(1),
    ];
    const frontends: Frontend[] = [];
    if (this.ports.length > 0) {
      frontends.push({
        name,
        mode: "tcp",
        binds: this.ports.map((port) => ({ address: this.address, port })),
        timeouts: definedTimeouts({ client: timeouts.client }),
        defaultBackend: name,
      });
    }
    if (this.redirectPorts.length > 0) {
      frontends.push({
        name: `${name}${REDIRECT_SUFFIX}`,
        mode: "http",
        binds: this.redirectPorts.map((port) => ({ address: this.address, port })),
        httpRequestRules: ["redirect scheme https code 301"],
        comments: ["plain HTTP answered with a redirect to HTTPS [004 appendix 4]"],
      });
    }
    const check = this.options.healthCheck ?? {};
    const persistence = this.persistence;
    const backend: Backend = {
      name,
      mode: "tcp",
      balance: this.balance,
      stickTable: persistence.timeout
        ? {
            type: "ip",
            size: persistence.tableSize ?? "100k",
            expire: persistence.timeout.toHaproxy(),
          }
        : undefined,
      timeouts: definedTimeouts({ server: timeouts.server, connect: timeouts.connect }),
      healthCheck: this.service.healthCheck,
      serverDefaults:
        check.interval || check.rise !== undefined || check.fall !== undefined
          ? {
              inter: (check.interval ?? profile.checkInterval.value).toHaproxy(),
              rise: check.rise ?? profile.checkRise.value,
              fall: check.fall ?? profile.checkFall.value,
              shutdownSessionsOnDown: profile.shutdownSessionsOnDown.value,
            }
          : undefined,
      servers: this.servers.map((server): Server => ({
        name: server.name,
        address: server.address,
        weight: server.weight ?? profile.serverWeight.value,
      })),
    };
    return { comments: notes, frontends, backends: this.ports.length > 0 ? [backend] : [] };
  }
}

function definedTimeouts(timeouts: Record<string, Duration | undefined>): Timeouts | undefined {
  const entries = Object.entries(timeouts).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([key, value]) => [key, value!.toHaproxy()]));
}

/** Checks a server list: not empty, valid names, addresses and weights, no duplicates. */
export function validateServers(scope: Construct, servers: readonly RealServer[]): RealServer[] {
  if (servers.length === 0) {
    fail(
      scope,
      "no real servers",
      "give at least one server: { name: 'CAS1', address: '10.0.0.20' }",
    );
  }
  const names = new Set<string>();
  const addresses = new Set<string>();
  for (const server of servers) {
    if (!NAME.test(server.name)) {
      fail(
        scope,
        `server name "${server.name}" is not a valid HAProxy name`,
        "use letters, digits, _ . : -",
      );
    }
    if (Token.isUnresolved(server.address)) {
      fail(
        scope,
        `server ${server.name} address is a token, but it is written into haproxy.cfg at synth time`,
        "give the address as a literal a.b.c.d",
      );
    }
    if (!isIpv4(server.address)) {
      fail(
        scope,
        `server ${server.name} address "${server.address}" is not an IPv4 address`,
        "give a.b.c.d",
      );
    }
    if (
      server.weight !== undefined &&
      (!Number.isInteger(server.weight) || server.weight < 0 || server.weight > 256)
    ) {
      fail(
        scope,
        `server ${server.name} weight ${server.weight} is outside HAProxy's 0-256`,
        "give a whole weight from 0 to 256",
      );
    }
    if (names.has(server.name))
      fail(scope, `server name ${server.name} is used twice`, "give each server its own name");
    if (addresses.has(server.address)) {
      fail(scope, `server address ${server.address} is used twice`, "list each server once");
    }
    names.add(server.name);
    addresses.add(server.address);
  }
  return [...servers];
}

function resolveSources(scope: Construct, sources: readonly string[]): string[] {
  if (sources.length === 0) {
    fail(scope, "no allowed sources", "give at least one address, CIDR block or range");
  }
  const cidrs: string[] = [];
  for (const source of sources) {
    const range = parseSource(source);
    if (typeof range === "string") {
      fail(
        scope,
        range,
        "give an address (10.0.0.5), a CIDR block (10.0.0.0/24) or a range (10.0.0.50-60)",
      );
    }
    cidrs.push(...sourceToCidrs(source));
  }
  return [...new Set(cidrs)];
}

function validateHealthCheck(scope: Construct, options: HealthCheckOptions | undefined): void {
  for (const key of ["rise", "fall"] as const) {
    const value = options?.[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 100)) {
      fail(
        scope,
        `health check ${key} ${value} is not a count from 1 to 100`,
        `give healthCheck.${key} as a whole number`,
      );
    }
  }
}

/** The persistence note of a VIP, citing the guide only when the default is kept. */
export function persistenceNote(
  persistence: Persistence,
  profileValue: Cited<Persistence>,
): string {
  return persistence === profileValue.value
    ? `persistence ${persistence.describe()} [${profileValue.source}]`
    : `persistence ${persistence.describe()}`;
}

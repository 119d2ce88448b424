import { fail } from "../core/errors";
import { ExchangeProfile, HttpHandling } from "../exchange/profiles";
import { ExchangeWebService, WEB_SERVICE_PATHS, webServicesOf } from "../exchange/web-services";
import { ExchangeVersion } from "../exchange/version";
import { Annotations } from "../framework";
import { Backend, Frontend, HealthCheck, ServiceGroup } from "../haproxy/model";
import { EXCHANGE_ALPN } from "../haproxy/tls";
import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { TlsCertificate } from "../tls/tls-certificate";
import { ExchangeVip, VipOptions, persistenceNote } from "./vip";

/**
 * How the HTTPS VIP treats TLS:
 * - `passthrough`: TCP, no certificate on the load balancer (001 §11 VIP1, 004 §11 VIP1);
 * - `bridge`: terminated and re-encrypted to the servers with the same certificate as
 *   Exchange; the only terminating mode that keeps Extended Protection working;
 * - `offload`: terminated, plain HTTP to the servers (002 §2.2.1); breaks Extended
 *   Protection and needs Exchange's SSL offloading settings.
 */
export type CasTlsMode = "passthrough" | "bridge" | "offload";

export interface CasHttpsVipProps extends VipOptions {
  /**
   * HTTPS port.
   * @default 443 [001 §11 VIP1, 004 §11 VIP1]
   */
  readonly httpsPort?: number;
  /**
   * Plain HTTP port; with `offload` also the port the servers are reached on.
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * What happens to plain HTTP: forwarded to the servers, redirected to HTTPS by
   * the load balancer, or not listened for. Terminating modes redirect.
   * @default "forward" for 2010 passthrough [001 §11 VIP1], else "redirect-to-https" [004 appendix 4]
   */
  readonly http?: HttpHandling | "none";
  /**
   * Path of an HTTPS GET health check that must answer 200 (passthrough). Any
   * virtual directory's `healthcheck.htm` works [004 §11 VIP1 step 12 note].
   * @default TCP connect for 2010 [001 §11 VIP1]; `/owa/healthcheck.htm` for 2013+ [004 §7]
   */
  readonly healthCheckPath?: string;
  /**
   * TLS handling.
   * @default "passthrough"
   */
  readonly tls?: CasTlsMode;
  /**
   * The certificate bundle HAProxy presents in `bridge` and `offload` modes: the
   * same certificate and key as Exchange [004 §8 step 5].
   * @default none; required for bridge and offload
   */
  readonly certificate?: TlsCertificate;
  /**
   * Services published through the VIP (bridge and offload); other paths get 404.
   * @default every service of the version
   */
  readonly services?: ExchangeWebService[];
  /**
   * Keep a browser's OWA and ECP on one server with a cookie, for clients behind NAT
   * (bridge and offload) [001 appendix 3; 003 §3.2.2].
   * @default false
   */
  readonly owaCookiePersistence?: boolean;
  /**
   * Keep an ActiveSync device on one server by its Authorization header (bridge and
   * offload) [003 §3.2.2].
   * @default false
   */
  readonly activeSyncPersistence?: boolean;
  /**
   * Accept request headers up to about 50 KB, for large Kerberos tokens (bridge and
   * offload; sets HAProxy's tune.bufsize) [004 §11: request buffer 51200].
   * @default false: 16 KB, HAProxy's default
   */
  readonly largeRequestBuffer?: boolean;
  /**
   * Add the client's address as X-Forwarded-For (bridge and offload).
   * @default false: no extra header [002 §2.5]
   */
  readonly forwardedFor?: boolean;
}

/** 004 §11's request buffer length, for large Kerberos tokens. */
export const LARGE_REQUEST_BUFFER = 51200;
/** Health check of a service's directory: 2013+ answers 200 on healthcheck.htm [002 §5.1]. */
const MODERN_CHECK_STATUS = 200;
/** 2010 has no healthcheck.htm: a directory answers 2xx, 3xx or 401 [003 §3.2.2]. */
const EXCHANGE_2010_CHECK_STATUS = "(2..|3..|401)";
const TERMINATING_ONLY = [
  "services",
  "owaCookiePersistence",
  "activeSyncPersistence",
  "largeRequestBuffer",
  "forwardedFor",
] as const;

/**
 * The Client Access HTTPS services: OWA, ECP, EWS, ActiveSync, Outlook Anywhere,
 * MAPI, OAB, Autodiscover (001 §11 VIP1 "CAS-WEB", 004 §11 VIP1 "CAS-HTTPS").
 * TLS passes through to Exchange (TCP mode), or, with `tls: "bridge"` or
 * `"offload"`, is terminated so each virtual directory gets its own backend and
 * health check [002 §5.1; 003 §3.2.2].
 */
export class CasHttpsVip extends ExchangeVip {
  public readonly tls: CasTlsMode;
  public readonly certificate?: TlsCertificate;
  /** Published services, in the order routed; empty for passthrough. */
  public readonly services: readonly ExchangeWebService[];
  private readonly terminating?: {
    readonly serverPort: number;
    readonly owaCookie: boolean;
    readonly activeSyncPersistence: boolean;
    readonly forwardedFor: boolean;
  };

  constructor(lb: ExchangeLoadBalancer, id: string, props: CasHttpsVipProps = {}) {
    const web = lb.profile.web;
    const path = `${lb.node.path}/${id}`;
    const tls = props.tls ?? "passthrough";
    const terminating = tls !== "passthrough";
    const httpsPort = props.httpsPort ?? web.httpsPort.value;
    const httpPort = props.httpPort ?? web.httpPort.value;
    const http = props.http ?? (terminating ? "redirect-to-https" : web.http.value);
    if (http !== "none" && httpPort === httpsPort) {
      fail(
        path,
        `HTTP and HTTPS share port ${httpsPort}`,
        "give httpPort and httpsPort different ports",
      );
    }
    validateTlsProps(path, lb, props, tls, http);
    const checkPath =
      props.healthCheckPath ??
      (web.healthCheck.value.kind === "https-get" ? web.healthCheck.value.path : undefined);
    if (checkPath !== undefined && !/^\/[\x21-\x7e]*$/.test(checkPath)) {
      fail(
        path,
        `health check path "${checkPath}" is not an absolute URL path`,
        "give e.g. /owa/healthcheck.htm",
      );
    }
    const forwarded = http === "forward" ? [httpPort, httpsPort] : [httpsPort];
    const serverPort = tls === "offload" ? httpPort : httpsPort;
    const healthCheck: HealthCheck = terminating
      ? serviceCheck(lb, "OWA", serverPort, tls === "bridge")
      : checkPath !== undefined
        ? {
            kind: "http",
            method: "GET",
            uri: checkPath,
            host: lb.namespace,
            port: httpsPort,
            tls: true,
            expectStatus: 200,
          }
        : { kind: "tcp", steps: forwarded.map((port) => ({ connect: { port } })) };
    const persistence = props.persistence ?? web.persistence.value;
    const tlsNote = {
      passthrough: "TLS passed through",
      bridge: "TLS bridged (terminated, re-encrypted to the servers)",
      offload: "TLS offloaded (terminated, plain HTTP to the servers) [002 §2.2.1]",
    }[tls];
    super(lb, id, props, {
      label: lb.profile.version === "2010" ? "CAS-WEB" : "CAS-HTTPS",
      ports: forwarded,
      redirectPorts: http === "redirect-to-https" ? [httpPort] : [],
      serverPorts: terminating ? [serverPort] : undefined,
      certificate: props.certificate,
      requestBuffer: props.largeRequestBuffer ? LARGE_REQUEST_BUFFER : undefined,
      persistence,
      healthCheck,
      notes: [
        `HTTP(S) client access, ${tlsNote}; ${persistenceNote(persistence, web.persistence)}`,
        terminating
          ? `health checks: one per virtual directory [${lb.profile.version === "2010" ? "003 §3.2.2: GET /<vdir>/, 2xx, 3xx or 401" : "002 §5.1: GET /<vdir>/healthcheck.htm, 200"}]`
          : `health check: ${checkPath !== undefined ? `HTTPS GET ${checkPath} expects 200` : "TCP connect"} [${web.healthCheck.source}]`,
      ],
    });
    this.tls = tls;
    this.certificate = props.certificate;
    this.services = terminating ? (props.services ?? webServicesOf(lb.profile.version)) : [];
    if (terminating) {
      this.terminating = {
        serverPort,
        owaCookie: props.owaCookiePersistence ?? false,
        activeSyncPersistence: props.activeSyncPersistence ?? false,
        forwardedFor: props.forwardedFor ?? false,
      };
    }
    if (tls === "offload") {
      Annotations.of(this).addWarning(
        "TLS offload breaks Extended Protection, which current Exchange enables by default, and needs Exchange's " +
          "SSL offloading settings on every virtual directory; tls: 'bridge' keeps Extended Protection working",
      );
    }
  }

  public override toHaproxy(profile: ExchangeProfile): ServiceGroup {
    const group = super.toHaproxy(profile);
    const t = this.terminating;
    if (!t) return group;
    const name = this.node.id;
    const [template] = group.backends;
    const lb = this.loadBalancer;
    const bridge = this.tls === "bridge";
    const backends: Backend[] = this.services.map((service) => {
      const owa = service === "OWA" || service === "ECP";
      const activeSync = service === "ActiveSync";
      return {
        ...template,
        name: `${name}-${service}`,
        mode: "http",
        // NTLM and Kerberos authenticate the connection: never lend it to another client.
        httpReuse: "never",
        healthCheck: serviceCheck(lb, service, t.serverPort, bridge),
        cookie: owa && t.owaCookie ? { name: "EXCHANGELB" } : undefined,
        stickTable:
          activeSync && t.activeSyncPersistence
            ? {
                type: "string",
                len: 256,
                size: this.persistence.tableSize ?? "100k",
                expire: "1h",
                on: "req.hdr(Authorization)",
              }
            : template.stickTable,
        servers: template.servers.map((server) => ({
          ...server,
          port: t.serverPort,
          ssl: bridge ? { sni: lb.namespace } : undefined,
          cookie: owa && t.owaCookie ? server.name : undefined,
        })),
        comments: [
          `${service}: ${WEB_SERVICE_PATHS[service]}${owa && t.owaCookie ? "; cookie persistence [001 appendix 3; 003 §3.2.2]" : ""}${activeSync && t.activeSyncPersistence ? "; persistence on the Authorization header [003 §3.2.2]" : ""}`,
        ],
      };
    });
    const paths = this.services.map((service) => WEB_SERVICE_PATHS[service]);
    const https: Frontend = {
      name,
      mode: "http",
      binds: this.ports.map((port) => ({
        address: this.address,
        port,
        ssl: { certificate: this.terminatedCertificate!.path, alpn: EXCHANGE_ALPN },
      })),
      timeouts: group.frontends[0].timeouts,
      forwardFor: t.forwardedFor,
      httpRequestRules: [
        ...(this.services.includes("OWA")
          ? ["redirect location /owa/ code 302 if { path / }"]
          : []),
        `deny deny_status 404 unless { path -i ${paths.join(" ")} } || { path_beg -i ${paths.map((p) => `${p}/`).join(" ")} }`,
      ],
      routes: this.services.map((service) => ({
        backend: `${name}-${service}`,
        paths: [WEB_SERVICE_PATHS[service]],
      })),
      comments: [
        "/ goes to /owa/ [003 §3.2.2]; unpublished paths get 404; each directory to its backend (case-insensitive)",
      ],
    };
    return { ...group, frontends: [https, ...group.frontends.slice(1)], backends };
  }
}

/** The health check of one service's backend. */
function serviceCheck(
  lb: ExchangeLoadBalancer,
  service: ExchangeWebService,
  port: number,
  tls: boolean,
): HealthCheck {
  const modern = lb.profile.version !== ExchangeVersion.EXCHANGE_2010;
  const dir = WEB_SERVICE_PATHS[service];
  return {
    kind: "http",
    method: "GET",
    uri: modern ? `${dir}/healthcheck.htm` : `${dir}/`,
    host: lb.namespace,
    port,
    tls,
    expectStatus: modern ? MODERN_CHECK_STATUS : EXCHANGE_2010_CHECK_STATUS,
  };
}

function validateTlsProps(
  path: string,
  lb: ExchangeLoadBalancer,
  props: CasHttpsVipProps,
  tls: CasTlsMode,
  http: HttpHandling | "none",
): void {
  if (tls === "passthrough") {
    for (const name of [...TERMINATING_ONLY, "certificate"] as const) {
      if (props[name] !== undefined) {
        fail(
          path,
          `${name} needs the load balancer to read HTTP, but tls is passthrough`,
          `set tls: "bridge" (or "offload") with a certificate, or drop ${name}`,
        );
      }
    }
    return;
  }
  if (!props.certificate) {
    fail(
      path,
      `tls "${tls}" terminates TLS on the load balancer but has no certificate`,
      "give certificate: TlsCertificate.fromSsmParameter('/exchange/tls/mail') (the same certificate and key as Exchange)",
    );
  }
  const problem = props.certificate.problem();
  if (problem) fail(path, `certificate: ${problem}`, "give an SSM parameter name or a secret ARN");
  if (http === "forward") {
    fail(
      path,
      `http "forward" sends plain HTTP to Exchange, but tls "${tls}" terminates TLS`,
      'leave http unset (redirect to HTTPS) or set http: "none"',
    );
  }
  if (props.healthCheckPath !== undefined) {
    fail(
      path,
      "healthCheckPath is for passthrough; terminating modes check every virtual directory",
      "drop healthCheckPath",
    );
  }
  const available = webServicesOf(lb.profile.version);
  const services = props.services ?? available;
  if (services.length === 0) {
    fail(
      path,
      "services is empty, so nothing would be published",
      "list at least one, e.g. ['OWA']",
    );
  }
  const seen = new Set<string>();
  for (const service of services) {
    if (!available.includes(service)) {
      fail(
        path,
        `service "${service}" does not exist in Exchange ${lb.profile.version}`,
        `choose from ${available.join(", ")}`,
      );
    }
    if (seen.has(service))
      fail(path, `service ${service} is listed twice`, "list each service once");
    seen.add(service);
  }
}

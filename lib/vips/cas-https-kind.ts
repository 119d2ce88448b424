/**
 * What CasHttpsVip decides from its props: the ports, health check and notes
 * of pass-through, or the published services, per-directory checks and options
 * of a terminating mode, each refused at synth when the props contradict.
 */
import { fail } from "../core/errors";
import { isIpv4 } from "../net/ipv4";
import { HttpHandling } from "../exchange/profiles";
import { WEB_SERVICES } from "../exchange/web-services";
import { HealthCheck } from "../haproxy/model";
import { TlsCertificate } from "../tls/tls-certificate";
import { idleNote, longerThanProfile } from "./https-timeouts";
import { persistenceNote } from "./notes";
import { publishedServices } from "./published-services";
import { PublishedService, TerminatedTls } from "./description";
import { VipKind } from "./describe";
import { VipDefaults } from "./vip-host";
import { CasHttpsVipProps, CasTlsMode } from "./cas-https-props";

const TERMINATING_ONLY = [
  "services",
  "owaCookiePersistence",
  "activeSyncPersistence",
  "largeRequestBuffer",
  "forwardedFor",
] as const;

const TLS_NOTES: Readonly<Record<CasTlsMode, string>> = {
  passthrough: "TLS passed through",
  bridge: "TLS bridged (terminated, re-encrypted to the servers)",
  offload: "TLS offloaded (terminated, plain HTTP to the servers) [002 §2.2.1]",
};

export function casHttpsKind(
  path: string,
  defaults: VipDefaults,
  props: CasHttpsVipProps,
): VipKind {
  const { web } = defaults.profile;
  const tls = props.tls ?? "passthrough";
  const httpsPort = props.httpsPort ?? web.httpsPort.value;
  const httpPort = props.httpPort ?? web.httpPort.value;
  const http = props.http ?? (tls !== "passthrough" ? "redirect-to-https" : web.http.value);
  if (http !== "none" && httpPort === httpsPort) {
    fail(
      path,
      `HTTP and HTTPS share port ${httpsPort}`,
      "give httpPort and httpsPort different ports",
    );
  }
  const terminated =
    tls === "passthrough"
      ? checkPassthrough(path, props)
      : terminatedTls(path, defaults, props, tls, http, tls === "offload" ? httpPort : httpsPort);
  const persistence = props.persistence ?? web.persistence.value;
  const idle = web.idleTimeout.value;
  const forwarded = http === "forward" ? [httpPort, httpsPort] : [httpsPort];
  // Terminated: each published service has its own check instead.
  const check = terminated
    ? undefined
    : passthroughCheck(path, defaults, props, forwarded, httpsPort);
  return {
    label: web.label,
    ports: forwarded,
    redirectPorts: http === "redirect-to-https" ? [httpPort] : [],
    serverPorts: terminated ? [terminated.serverPort] : undefined,
    persistence,
    healthCheck: check?.healthCheck,
    terminatedTls: terminated,
    // Only where the profile's own idle timeouts are shorter (2013+, 004 §11: 30 min).
    timeouts: longerThanProfile(defaults, idle) ? { client: idle, server: idle } : undefined,
    shutdownSessionsOnDown: defaults.profile.shutdownSessionsOnDown.requests,
    notes: [
      `HTTP(S) client access, ${TLS_NOTES[tls]}; ${persistenceNote(persistence, web.persistence)}`,
      check
        ? check.note
        : `health checks: one per virtual directory [${web.directoryCheck.source}]`,
      idleNote(defaults, props),
    ],
  };
}

/** HTTPS GET of a path that must answer 200 (2013+), else a TCP connect to each port (2010). */
function passthroughCheck(
  path: string,
  defaults: VipDefaults,
  props: CasHttpsVipProps,
  forwarded: readonly number[],
  httpsPort: number,
): { healthCheck: HealthCheck; note: string } {
  const web = defaults.profile.web;
  const checkPath =
    props.healthCheckPath ??
    (web.healthCheck.value.kind === "https-get" ? web.healthCheck.value.path : undefined);
  if (checkPath === undefined) {
    return {
      healthCheck: { kind: "tcp", steps: forwarded.map((port) => ({ connect: { port } })) },
      note: `health check: TCP connect [${web.healthCheck.source}]`,
    };
  }
  if (!/^\/[\x21-\x7e]*$/.test(checkPath)) {
    fail(
      path,
      `health check path "${checkPath}" is not an absolute URL path`,
      "give e.g. /owa/healthcheck.htm",
    );
  }
  return {
    healthCheck: {
      kind: "http",
      method: "GET",
      uri: checkPath,
      host: defaults.namespace,
      port: httpsPort,
      tls: true,
      sni: serverName(defaults.namespace),
      expect: { status: 200 },
    },
    note: `health check: HTTPS GET ${checkPath} expects 200 [${web.healthCheck.source}]`,
  };
}

/** The health check of one service's directory, as the version answers it. */
function directoryCheck(
  defaults: VipDefaults,
  service: PublishedService["service"],
  port: number,
  tls: boolean,
): HealthCheck {
  const check = defaults.profile.web.directoryCheck.value;
  return {
    kind: "http",
    method: "GET",
    uri: `${WEB_SERVICES[service].path}${check.suffix}`,
    host: defaults.namespace,
    port,
    tls,
    sni: tls ? serverName(defaults.namespace) : undefined,
    expect: check.expect,
  };
}

/** SNI carries a host name, never an address (RFC 6066 §3). */
function serverName(namespace: string): string | undefined {
  return isIpv4(namespace) ? undefined : namespace;
}

function checkPassthrough(path: string, props: CasHttpsVipProps): undefined {
  sameCertificate(path, props, "passthrough");
  for (const name of [...TERMINATING_ONLY, "certificate"] as const) {
    if (props[name] !== undefined) {
      fail(
        path,
        `${name} needs the load balancer to read HTTP, but tls is passthrough`,
        `set tls: "bridge" (or "offload") with a certificate, or drop ${name}`,
      );
    }
  }
  return undefined;
}

function sameCertificate(path: string, props: CasHttpsVipProps, tls: CasTlsMode): boolean {
  if (props.requireSameCertificate !== undefined && tls !== "bridge") {
    fail(
      path,
      `requireSameCertificate compares a bridge's certificate with Exchange's, but tls is "${tls}"`,
      'set tls: "bridge" with the certificate Exchange presents, or drop requireSameCertificate',
    );
  }
  return props.requireSameCertificate ?? false;
}

function terminatedTls(
  path: string,
  defaults: VipDefaults,
  props: CasHttpsVipProps,
  mode: "bridge" | "offload",
  http: HttpHandling | "none",
  serverPort: number,
): TerminatedTls {
  const certificate = checkTerminating(path, props, mode, http);
  return {
    mode,
    certificate,
    serverPort,
    namespace: defaults.namespace,
    requireSameCertificate: sameCertificate(path, props, mode),
    services: publishedServices(path, defaults, props).map((service) => ({
      service,
      path: WEB_SERVICES[service].path,
      healthCheck: directoryCheck(defaults, service, serverPort, mode === "bridge"),
    })),
    owaCookie: props.owaCookiePersistence ?? false,
    activeSyncPersistence: props.activeSyncPersistence ?? false,
    forwardedFor: props.forwardedFor ?? false,
    requestBuffer:
      (props.largeRequestBuffer ?? true) ? defaults.profile.web.requestBuffer.value : undefined,
    keepAliveTimeout: defaults.profile.web.keepAliveTimeout.value,
  };
}

/** A terminating mode's certificate, refusing the props that contradict terminating. */
function checkTerminating(
  path: string,
  props: CasHttpsVipProps,
  mode: "bridge" | "offload",
  http: HttpHandling | "none",
): TlsCertificate {
  if (!props.certificate) {
    fail(
      path,
      `tls "${mode}" terminates TLS on the load balancer but has no certificate`,
      "give certificate: TlsCertificate.fromSsmParameter('/exchange/tls/mail') (the same certificate and key as Exchange)",
    );
  }
  const problem = props.certificate.problem();
  if (problem) fail(path, `certificate: ${problem}`, "give an SSM parameter name or a secret ARN");
  if (http === "forward") {
    fail(
      path,
      `http "forward" sends plain HTTP to Exchange, but tls "${mode}" terminates TLS`,
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
  return props.certificate;
}

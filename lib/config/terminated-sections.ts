/**
 * The sections of an HTTPS VIP that terminates TLS: one frontend that sends
 * `/` to OWA, answers unpublished paths with 404 and routes each virtual
 * directory to its own backend, which has its own health check, persistence
 * and TLS to the servers (bridge) [002 §5.1; 003 §3.2.2]. Pure.
 */
import { Duration } from "../core/duration";
import { WEB_SERVICES } from "../exchange/web-services";
import { Backend, Condition, Frontend } from "../haproxy/model";
import { EXCHANGE_ALPN } from "../haproxy/tls";
import { certificatePath } from "../instance/paths";
import { PublishedService, TerminatedTls, VipDescription } from "../vips/description";
import { SectionContext, backendBase, bindAddress } from "./backend-base";

/** The cookie that names a browser's OWA and ECP server [001 appendix 3]. */
const PERSISTENCE_COOKIE = "EXCHANGELB";
/**
 * ActiveSync devices keep their server for an hour after their last request
 * [003 §3.2.2], keyed on the DeviceId every request names in its query
 * (MS-ASHTTP 2.2.1.1.1.1, at most 32 characters), never on the Authorization
 * header: that would keep Basic credentials in the table and send them to the
 * peer node, and NTLM or Negotiate headers change on every handshake anyway.
 */
const ACTIVESYNC_PERSISTENCE = {
  param: "DeviceId",
  len: 64,
  expire: Duration.hours(1),
} as const;

/** A directory and everything below it, case-insensitively. */
function underDirectories(paths: readonly string[]): Condition {
  return {
    kind: "any",
    of: [
      { kind: "path", values: paths, ignoreCase: true },
      { kind: "path-prefix", values: paths.map((path) => `${path}/`), ignoreCase: true },
    ],
  };
}

export function terminatedFrontend(
  vip: VipDescription,
  tls: TerminatedTls,
  context: SectionContext,
): Frontend {
  const owa = tls.services.some((s) => s.service === "OWA");
  return {
    name: vip.name,
    mode: "http",
    binds: vip.ports.map((port) => ({
      address: bindAddress(vip, context),
      port,
      ssl: { certificate: certificatePath(vip.name), alpn: EXCHANGE_ALPN },
    })),
    timeouts: { client: vip.timeouts.client, httpKeepAlive: tls.keepAliveTimeout },
    forwardFor: tls.forwardedFor,
    httpRequestRules: [
      ...(owa
        ? [
            {
              kind: "redirect-location",
              location: `${WEB_SERVICES.OWA.path}/`,
              code: 302,
              when: { kind: "path", values: ["/"], ignoreCase: false },
            } as const,
          ]
        : []),
      { kind: "deny", status: 404, unless: underDirectories(tls.services.map((s) => s.path)) },
    ],
    routes: tls.services.map((s) => ({
      backend: backendName(vip, s),
      when: underDirectories([s.path]),
    })),
    comments: [
      "/ goes to /owa/ [003 §3.2.2]; unpublished paths get 404; each directory to its backend (case-insensitive)",
    ],
  };
}

export function terminatedBackends(
  vip: VipDescription,
  tls: TerminatedTls,
  context: SectionContext,
): Backend[] {
  const base = backendBase(vip, context);
  return tls.services.map((published) => {
    const cookie = tls.owaCookie && (published.service === "OWA" || published.service === "ECP");
    const device = tls.activeSyncPersistence && published.service === "ActiveSync";
    return {
      ...base,
      name: backendName(vip, published),
      mode: "http",
      // NTLM and Kerberos authenticate the connection: never lend it to another client.
      httpReuse: "never",
      healthCheck: published.healthCheck,
      // Over HTTPS only, and out of reach of the page's scripts.
      cookie: cookie ? { name: PERSISTENCE_COOKIE, secure: true, httpOnly: true } : undefined,
      stickTable: device
        ? {
            type: "string",
            len: ACTIVESYNC_PERSISTENCE.len,
            size: vip.persistence.tableSize ?? "100k",
            expire: ACTIVESYNC_PERSISTENCE.expire,
            key: { kind: "url-param", name: ACTIVESYNC_PERSISTENCE.param },
            peers: context.peers,
          }
        : base.stickTable,
      servers: base.servers.map((server) => ({
        ...server,
        port: tls.serverPort,
        ssl: tls.mode === "bridge" ? { sni: tls.namespace } : undefined,
        cookie: cookie ? server.name : undefined,
      })),
      comments: [
        [
          `${published.service}: ${published.path}`,
          ...(cookie ? ["cookie persistence [001 appendix 3; 003 §3.2.2]"] : []),
          ...(device ? ["persistence on the device's DeviceId, 1 h [003 §3.2.2]"] : []),
        ].join("; "),
      ],
    };
  });
}

function backendName(vip: VipDescription, published: PublishedService): string {
  return `${vip.name}-${published.service}`;
}

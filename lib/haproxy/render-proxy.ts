/**
 * Renders frontends and backends: binds, request rules, routes, checks,
 * persistence and servers. Pure.
 */
import {
  Backend,
  Bind,
  Frontend,
  HealthCheck,
  HttpRequestRule,
  Server,
  StickTable,
  TcpCheckStep,
} from "./model";
import { conditionText, quoteArg, section, serverDefaultsLine, timeoutLines } from "./words";

export function renderFrontend(frontend: Frontend): string {
  return section(
    `frontend ${frontend.name}`,
    [
      `mode ${frontend.mode}`,
      frontend.mode === "tcp" ? "option tcplog" : "option httplog",
      frontend.forwardFor ? "option forwardfor" : undefined,
      ...frontend.binds.map(bindLine),
      frontend.maxconn !== undefined ? `maxconn ${frontend.maxconn}` : undefined,
      ...timeoutLines(frontend.timeouts),
      ...(frontend.httpRequestRules ?? []).map(httpRequestLine),
      ...(frontend.routes ?? []).map(
        (route) => `use_backend ${route.backend} if ${conditionText(route.when)}`,
      ),
      frontend.defaultBackend ? `default_backend ${frontend.defaultBackend}` : undefined,
    ],
    frontend.comments,
  );
}

export function renderBackend(backend: Backend): string {
  const table = backend.stickTable;
  return section(
    `backend ${backend.name}`,
    [
      `mode ${backend.mode}`,
      `balance ${backend.balance}`,
      backend.hashType ? `hash-type ${backend.hashType}` : undefined,
      table ? stickTableLine(table) : undefined,
      table ? `stick on ${stickKey(table)}` : undefined,
      backend.cookie ? cookieLine(backend.cookie) : undefined,
      backend.httpReuse ? `http-reuse ${backend.httpReuse}` : undefined,
      ...timeoutLines(backend.timeouts),
      ...healthCheckLines(backend.healthCheck),
      backend.serverDefaults ? serverDefaultsLine(backend.serverDefaults) : undefined,
      ...backend.servers.map((server) => serverLine(server, backend.healthCheck)),
    ],
    backend.comments,
  );
}

function bindLine(bind: Bind): string {
  const words = [`bind ${bind.address}:${bind.port}`];
  if (bind.ssl) words.push(`ssl crt ${bind.ssl.certificate} alpn ${bind.ssl.alpn.join(",")}`);
  return words.join(" ");
}

function httpRequestLine(rule: HttpRequestRule): string {
  switch (rule.kind) {
    case "redirect-scheme":
      return `http-request redirect scheme ${rule.scheme} code ${rule.code}`;
    case "redirect-location":
      return `http-request redirect location ${rule.location} code ${rule.code} if ${conditionText(rule.when)}`;
    case "deny":
      return `http-request deny deny_status ${rule.status} unless ${conditionText(rule.unless)}`;
  }
}

function cookieLine(cookie: NonNullable<Backend["cookie"]>): string {
  const flags = [cookie.secure ? " secure" : "", cookie.httpOnly ? " httponly" : ""].join("");
  return `cookie ${cookie.name} insert indirect nocache${flags}`;
}

function tcpCheckLine(step: TcpCheckStep): string {
  if ("connect" in step) {
    return `tcp-check connect port ${step.connect.port}${step.connect.tls ? " ssl" : ""}`;
  }
  if ("expectString" in step) return `tcp-check expect string ${quoteArg(step.expectString)}`;
  if ("expectRegex" in step) return `tcp-check expect rstring ${quoteArg(step.expectRegex)}`;
  return `tcp-check send ${quoteArg(step.send)}`;
}

function healthCheckLines(check: HealthCheck | undefined): string[] {
  if (!check) return [];
  if (check.kind === "tcp") return ["option tcp-check", ...check.steps.map(tcpCheckLine)];
  return [
    "option httpchk",
    `http-check send meth ${check.method} uri ${quoteArg(check.uri)} ver HTTP/1.1 hdr Host ${quoteArg(check.host)}`,
    "status" in check.expect
      ? `http-check expect status ${check.expect.status}`
      : `http-check expect rstatus ${check.expect.statusPattern}`,
  ];
}

function serverLine(server: Server, check: HealthCheck | undefined): string {
  const target = server.port === undefined ? server.address : `${server.address}:${server.port}`;
  const weight = server.admin === "drain" ? 0 : server.weight;
  const words = [`server ${server.name} ${target}`, `weight ${weight}`];
  if (server.admin === "maintenance") words.push("disabled");
  // Exchange's certificate is often from an internal CA the load balancer does not hold.
  if (server.ssl) words.push(`ssl verify none sni str(${server.ssl.sni})`);
  if (server.cookie) words.push(`cookie ${server.cookie}`);
  if (server.source) words.push(`source ${server.source}`);
  if (server.track) {
    // One health check per real server: its other lines follow it (state too: drain, maint).
    if (check) words.push(`track ${server.track}`);
  } else if (check) {
    words.push("check");
    if (check.kind === "http") {
      words.push(`port ${check.port}`);
      // The check proves health, not identity (same reason as above); SNI
      // because IIS bindings may require it.
      if (check.tls) {
        words.push("check-ssl");
        if (check.sni) words.push(`check-sni ${quoteArg(check.sni)}`);
        words.push("verify none");
      }
    } else if (check.steps.some((step) => "connect" in step && step.connect.tls)) {
      if (!server.ssl) words.push("verify none");
    }
  }
  return words.join(" ");
}

function stickTableLine(table: StickTable): string {
  const type = table.type === "string" ? `string len ${table.len ?? 32}` : table.type;
  const peers = table.peers ? ` peers ${table.peers}` : "";
  return `stick-table type ${type} size ${table.size} expire ${table.expire.toHaproxy()}${peers}`;
}

function stickKey(table: StickTable): string {
  return table.key.kind === "source" ? "src" : `url_param(${table.key.name})`;
}

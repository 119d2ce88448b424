/**
 * Renders the model as haproxy.cfg text. Pure and deterministic: the same model
 * gives the same bytes. Sections follow the order of the model.
 */
import {
  Backend,
  Bind,
  Comments,
  DefaultsSection,
  Frontend,
  GlobalSection,
  HaproxyConfig,
  HealthCheck,
  PathRoute,
  PeersSection,
  Server,
  ServerDefaults,
  ServiceGroup,
  StickTable,
  TcpCheckStep,
  TlsDefaults,
  Timeouts,
} from "./model";

const INDENT = "    ";

export function renderHaproxyConfig(config: HaproxyConfig): string {
  const blocks = [
    comments(config.header ?? [], ""),
    renderGlobal(config.global),
    renderDefaults(config.defaults),
    config.peers ? renderPeers(config.peers) : "",
    ...config.services.map(renderService),
  ].filter((block) => block.length > 0);
  return blocks.join("\n\n") + "\n";
}

function renderService(service: ServiceGroup): string {
  const sections = [
    ...service.frontends.map(renderFrontend),
    ...service.backends.map(renderBackend),
  ];
  const head = comments(service.comments ?? [], "");
  return [head, sections.join("\n\n")].filter((part) => part.length > 0).join("\n");
}

/**
 * Quotes a word for haproxy.cfg when it holds spaces or quotes. Inside double
 * quotes HAProxy still reads `\r` and `\n`, which checks use to end a line.
 */
export function quoteArg(word: string): string {
  if (/^[^\s"'#\\]+$/.test(word)) return word;
  return `"${word.replace(/["$]/g, (c) => `\\${c}`)}"`;
}

function comments(lines: Comments, indent: string): string {
  return lines.map((line) => `${indent}# ${line}`.trimEnd()).join("\n");
}

function section(title: string, body: (string | undefined)[], notes?: Comments): string {
  const lines = [notes && notes.length > 0 ? comments(notes, "") : undefined, title];
  for (const line of body) {
    if (line !== undefined) lines.push(`${INDENT}${line}`);
  }
  return lines.filter((line): line is string => line !== undefined).join("\n");
}

function renderGlobal(global: GlobalSection): string {
  return section(
    "global",
    [
      "log /dev/log local0",
      "chroot /var/lib/haproxy",
      // expose-fd listeners: a reload hands the listening sockets to the new
      // process, so no connection is refused while it starts (seamless reload).
      "stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners",
      "stats timeout 30s",
      "user haproxy",
      "group haproxy",
      "daemon",
      `maxconn ${global.maxconn}`,
      global.bufsize !== undefined ? `tune.bufsize ${global.bufsize}` : undefined,
      ...(global.tls ? tlsDefaultLines(global.tls) : []),
    ],
    global.comments,
  );
}

function tlsDefaultLines(tls: TlsDefaults): string[] {
  const options = `ssl-min-ver ${tls.minVersion} no-tls-tickets`;
  return [
    ...(tls.comments ?? []).map((line) => `# ${line}`),
    `ssl-default-bind-options ${options}`,
    `ssl-default-bind-ciphers ${tls.ciphers}`,
    `ssl-default-bind-ciphersuites ${tls.ciphersuites}`,
    `ssl-default-server-options ${options}`,
    `ssl-default-server-ciphers ${tls.ciphers}`,
    `ssl-default-server-ciphersuites ${tls.ciphersuites}`,
  ];
}

function bindLine(bind: Bind): string {
  const words = [`bind ${bind.address}:${bind.port}`];
  if (bind.ssl) words.push(`ssl crt ${bind.ssl.certificate} alpn ${bind.ssl.alpn.join(",")}`);
  return words.join(" ");
}

function routeLines(routes: readonly PathRoute[] | undefined): string[] {
  return (routes ?? []).map(
    (route) =>
      `use_backend ${route.backend} if { path -i ${route.paths.join(" ")} } || { path_beg -i ${route.paths.map((p) => `${p}/`).join(" ")} }`,
  );
}

function timeoutLines(timeouts: Timeouts | undefined): string[] {
  if (!timeouts) return [];
  const pairs: [keyof Timeouts, string][] = [
    ["connect", "connect"],
    ["client", "client"],
    ["server", "server"],
    ["httpRequest", "http-request"],
  ];
  return pairs
    .filter(([key]) => timeouts[key] !== undefined)
    .map(([key, word]) => `timeout ${word} ${timeouts[key]}`);
}

function serverDefaultsLine(defaults: Partial<ServerDefaults>): string | undefined {
  const words: string[] = [];
  if (defaults.inter !== undefined) words.push(`inter ${defaults.inter}`);
  if (defaults.rise !== undefined) words.push(`rise ${defaults.rise}`);
  if (defaults.fall !== undefined) words.push(`fall ${defaults.fall}`);
  if (defaults.shutdownSessionsOnDown) words.push("on-marked-down shutdown-sessions");
  return words.length > 0 ? `default-server ${words.join(" ")}` : undefined;
}

function renderDefaults(defaults: DefaultsSection): string {
  return section(
    "defaults",
    [
      "log global",
      `mode ${defaults.mode}`,
      "option dontlognull",
      defaults.redispatch ? "option redispatch" : undefined,
      `retries ${defaults.retries}`,
      ...timeoutLines(defaults.timeouts),
      serverDefaultsLine(defaults.serverDefaults),
    ],
    defaults.comments,
  );
}

function renderPeers(peers: PeersSection): string {
  return section(
    `peers ${peers.name}`,
    peers.peers.map((peer) => `peer ${peer.name} ${peer.address}:${peer.port}`),
    peers.comments,
  );
}

function renderFrontend(frontend: Frontend): string {
  return section(
    `frontend ${frontend.name}`,
    [
      `mode ${frontend.mode}`,
      frontend.mode === "tcp" ? "option tcplog" : "option httplog",
      frontend.forwardFor ? "option forwardfor" : undefined,
      ...frontend.binds.map(bindLine),
      ...timeoutLines(frontend.timeouts),
      ...(frontend.httpRequestRules ?? []).map((rule) => `http-request ${rule}`),
      ...routeLines(frontend.routes),
      frontend.defaultBackend ? `default_backend ${frontend.defaultBackend}` : undefined,
    ],
    frontend.comments,
  );
}

function tcpCheckLine(step: TcpCheckStep): string {
  if ("connect" in step) return `tcp-check connect port ${step.connect.port}`;
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
    typeof check.expectStatus === "number"
      ? `http-check expect status ${check.expectStatus}`
      : `http-check expect rstatus ${check.expectStatus}`,
  ];
}

function serverLine(server: Server, check: HealthCheck | undefined): string {
  const target = server.port === undefined ? server.address : `${server.address}:${server.port}`;
  const words = [`server ${server.name} ${target}`, `weight ${server.weight}`];
  // Exchange's certificate is often from an internal CA the load balancer does not hold.
  if (server.ssl) words.push(`ssl verify none sni str(${server.ssl.sni})`);
  if (server.cookie) words.push(`cookie ${server.cookie}`);
  if (check) {
    words.push("check");
    if (check.kind === "http") {
      words.push(`port ${check.port}`);
      // The check proves health, not identity: Exchange's certificate is often
      // from an internal CA the load balancer does not hold.
      if (check.tls) words.push("check-ssl verify none");
    }
  }
  return words.join(" ");
}

function stickTableLine(table: StickTable): string {
  const type = table.type === "string" ? `string len ${table.len ?? 32}` : table.type;
  const peers = table.peers ? ` peers ${table.peers}` : "";
  return `stick-table type ${type} size ${table.size} expire ${table.expire}${peers}`;
}

function renderBackend(backend: Backend): string {
  const table = backend.stickTable;
  return section(
    `backend ${backend.name}`,
    [
      `mode ${backend.mode}`,
      `balance ${backend.balance}`,
      table ? stickTableLine(table) : undefined,
      table ? `stick on ${table.on ?? "src"}` : undefined,
      backend.cookie ? `cookie ${backend.cookie.name} insert indirect nocache` : undefined,
      backend.httpReuse ? `http-reuse ${backend.httpReuse}` : undefined,
      ...timeoutLines(backend.timeouts),
      ...healthCheckLines(backend.healthCheck),
      backend.serverDefaults ? serverDefaultsLine(backend.serverDefaults) : undefined,
      ...backend.servers.map((server) => serverLine(server, backend.healthCheck)),
    ],
    backend.comments,
  );
}

/**
 * Renders the model as haproxy.cfg text. Pure and deterministic: the same model
 * gives the same bytes. Sections follow the order of the model.
 */
import {
  AdminFrontend,
  DefaultsSection,
  GlobalSection,
  HaproxyConfig,
  HealthFrontend,
  PeersSection,
  ServerKeepalive,
  ProxyGroup,
  TlsDefaults,
} from "./model";
import { renderBackend, renderFrontend } from "./render-proxy";
import { comments, section, serverDefaultsLine, timeoutLines } from "./words";

export function renderHaproxyConfig(config: HaproxyConfig): string {
  const blocks = [
    comments(config.header ?? []),
    renderGlobal(config.global),
    renderDefaults(config.defaults),
    config.peers ? renderPeers(config.peers) : "",
    config.admin ? renderAdmin(config.admin) : "",
    config.health ? renderHealth(config.health) : "",
    ...config.groups.map(renderGroup),
  ].filter((block) => block.length > 0);
  return blocks.join("\n\n") + "\n";
}

function renderGroup(group: ProxyGroup): string {
  const sections = [...group.frontends.map(renderFrontend), ...group.backends.map(renderBackend)];
  const head = comments(group.comments ?? []);
  return [head, sections.join("\n\n")].filter((part) => part.length > 0).join("\n");
}

function renderGlobal(global: GlobalSection): string {
  return section(
    "global",
    [
      "log /dev/log local0",
      "chroot /var/lib/haproxy",
      // expose-fd listeners: a reload hands the listening sockets to the new
      // process, so no connection is refused while it starts (seamless reload).
      `stats socket ${global.adminSocket} mode 660 level admin expose-fd listeners`,
      "stats timeout 30s",
      "user haproxy",
      "group haproxy",
      "daemon",
      `maxconn ${global.maxconn}`,
      global.hardStopAfter ? `hard-stop-after ${global.hardStopAfter.toHaproxy()}` : undefined,
      global.bufsize !== undefined ? `tune.bufsize ${global.bufsize}` : undefined,
      ...(global.tls ? tlsDefaultLines(global.tls) : []),
      global.serverStateFile ? `server-state-file ${global.serverStateFile}` : undefined,
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

function renderDefaults(defaults: DefaultsSection): string {
  return section(
    "defaults",
    [
      "log global",
      `mode ${defaults.mode}`,
      "option dontlognull",
      defaults.logHealthChecks ? "option log-health-checks" : undefined,
      defaults.redispatch ? "option redispatch" : undefined,
      `retries ${defaults.retries}`,
      defaults.source ? `source ${defaults.source}` : undefined,
      ...timeoutLines(defaults.timeouts),
      ...serverKeepaliveLines(defaults.serverKeepalive),
      serverDefaultsLine(defaults.serverDefaults),
      defaults.loadServerState ? "load-server-state-from-file global" : undefined,
    ],
    defaults.comments,
  );
}

function serverKeepaliveLines(keepalive: ServerKeepalive | undefined): string[] {
  if (!keepalive) return [];
  return [
    "option srvtcpka",
    `srvtcpka-idle ${keepalive.idle.toHaproxy()}`,
    `srvtcpka-intvl ${keepalive.interval.toHaproxy()}`,
    `srvtcpka-cnt ${keepalive.count}`,
  ];
}

function renderPeers(peers: PeersSection): string {
  return section(
    `peers ${peers.name}`,
    peers.peers.map((peer) => `peer ${peer.name} ${peer.address}:${peer.port}`),
    peers.comments,
  );
}

function renderAdmin(admin: AdminFrontend): string {
  return section(
    `frontend ${admin.name}`,
    [
      "mode http",
      // A scrape a minute per node would fill the log; the VIPs' traffic is what it is for.
      "no log",
      `bind ${admin.address}:${admin.port}`,
      `http-request use-service prometheus-exporter if { path ${admin.metricsPath} }`,
      "stats enable",
      `stats uri ${admin.statsPath}`,
      "stats refresh 10s",
    ],
    admin.comments,
  );
}

function renderHealth(health: HealthFrontend): string {
  const answer = (status: number, text: string) =>
    `http-request return status ${status} content-type text/plain string "${text}"`;
  return section(
    `frontend ${health.name}`,
    [
      "mode http",
      // A check every few seconds from each of the NLB's addresses would fill the log.
      "no log",
      `bind ${health.address}:${health.port}`,
      ...health.checks.flatMap((check) =>
        health.notReady !== undefined
          ? [`${answer(503, health.notReady)} if { path ${check.path} }`]
          : // A VIP without a backend (a redirect alone) serves while HAProxy does.
            check.backends.length === 0
            ? [`${answer(200, "up")} if { path ${check.path} }`]
            : [
                ...check.backends.map(
                  (b) => `${answer(200, "up")} if { path ${check.path} } { nbsrv(${b}) gt 0 }`,
                ),
                `${answer(503, "no real server up")} if { path ${check.path} }`,
              ],
      ),
      answer(404, "no such VIP"),
    ],
    health.comments,
  );
}

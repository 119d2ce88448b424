/**
 * The HAProxy model of one load balancer: global and defaults from the
 * Exchange profile, the pair's peers section, then each VIP's sections in the
 * order the VIPs were added. Pure: the same model gives the same config.
 */
import { sectionOf } from "../exchange/citation";
import { ExchangeProfile } from "../exchange/profiles";
import {
  Backend,
  DefaultsSection,
  HaproxyConfig,
  PeersSection,
  ProxyGroup,
} from "../haproxy/model";
import { INTERMEDIATE_TLS } from "../haproxy/tls";
import { SOURCE_ADDRESS_COMMENT, SOURCE_ADDRESS_WORD } from "../instance/source-addresses";
import { PATHS } from "../instance/paths";
import { PEERS_SECTION, PEER_PORT } from "../pair/pair-node";
import { PairSettings } from "../pair/pair-settings";
import { VipDescription } from "../vips/description";
import { adminFrontendOf } from "./admin-section";
import { FLEET_SOURCE_HASH_COMMENT, SectionContext } from "./backend-base";
import { LoadBalancerModel } from "./model";
import { healthFrontendOf } from "./health-section";
import { bufsizeOf, vipMaxconn } from "./sizing";
import { withSourceLines } from "./source-lines";
import { redirectFrontend, tcpBackend, tcpFrontend } from "./tcp-sections";
import { terminatedBackends, terminatedFrontend } from "./terminated-sections";

/** Why the servers' states are saved and loaded, printed above the global section's lines. */
const SERVER_STATE_COMMENT =
  "server-state-file: a drained or halted real server stays so across a reload, a rollout and a " +
  "reboot (004 §12 halt; 002 §2.2.4 drain) [HAProxy 2.6 manual, 3.1 server-state-file; 4.2 " +
  "load-server-state-from-file]";

/** Why a real server has more than one line. */
const SOURCE_LINES_COMMENT =
  "Each real server has one line per source address (SERVER:srcN: another address, tracking " +
  "SERVER's check and state), past 64k connections per server [HAProxy 2.6 manual, 5.2 source; 002 §2.2].";

/**
 * @param boot the copy a fleet node boots with, whose health endpoint waits for the config
 * document; the same config otherwise
 */
export function haproxyConfigOf(lb: LoadBalancerModel, boot = false): HaproxyConfig {
  const p = lb.profile;
  const context: SectionContext = {
    profile: p,
    peers: lb.pair ? PEERS_SECTION : undefined,
    // A fleet node's VIPs are the NLB's addresses: its connections arrive at the node's own.
    wildcardBinds: lb.fleet !== undefined || (lb.pair?.placement.bindsWildcard ?? false),
    fleet: lb.fleet !== undefined,
  };
  const groups = lb.vips.map((vip) => {
    const group = vipGroup(vip, context);
    const extra = lb.sourceAddresses.count;
    const maxconn = vipMaxconn(vip, lb.maxconn);
    return {
      ...group,
      frontends: group.frontends.map((f) => (f.name === vip.name ? { ...f, maxconn } : f)),
      backends: group.backends.map((b) => withSourceLines(withHashComment(b), extra)),
    };
  });
  return {
    header: [
      `Exchange ${p.version} load balancer (guides ${p.guides}). Generated; edit the construct, not this file.`,
      "Layer 7 SNAT mode (TCP), the AWS equivalent of the guides' appliance VIPs.",
      ...(lb.sourceAddresses.count > 0 ? [SOURCE_LINES_COMMENT] : []),
    ],
    global: {
      maxconn: lb.maxconn,
      adminSocket: PATHS.HAPROXY_ADMIN_SOCKET,
      // The largest request buffer any VIP asks for; HAProxy's default when none does.
      bufsize: bufsizeOf(lb.vips),
      tls: lb.vips.some((vip) => vip.terminatedTls) ? INTERMEDIATE_TLS : undefined,
      hardStopAfter: p.reloadGrace.value,
      serverStateFile: PATHS.SERVER_STATE,
      comments: [
        `hard-stop-after: sessions left on a reloaded process [${p.reloadGrace.source}]`,
        SERVER_STATE_COMMENT,
      ],
    },
    defaults: defaultsOf(p),
    peers: lb.pair ? peersOf(lb.pair) : undefined,
    admin: adminFrontendOf(lb.admin),
    health: lb.fleet
      ? healthFrontendOf(
          lb.fleet,
          lb.vips.map((vip, i) => ({ name: vip.name, group: groups[i] })),
          boot,
        )
      : undefined,
    groups,
  };
}

/** A backend that hashes the client address says why, above its section. */
function withHashComment(backend: Backend): Backend {
  if (!backend.hashType) return backend;
  return { ...backend, comments: [...(backend.comments ?? []), FLEET_SOURCE_HASH_COMMENT] };
}

/** The profile's timeouts, retries and health-check timing, each with its citation. */
function defaultsOf(p: ExchangeProfile): DefaultsSection {
  return {
    mode: "tcp",
    retries: p.retries.value,
    redispatch: p.redispatch.value,
    timeouts: {
      connect: p.connectTimeout.value,
      client: p.clientTimeout.value,
      server: p.serverTimeout.value,
      httpRequest: p.httpRequestTimeout.value,
      check: p.checkTimeout.value,
    },
    serverDefaults: {
      inter: p.checkInterval.value,
      fastinter: p.checkFastInterval.value,
      rise: p.checkRise.value,
      fall: p.checkFall.value,
    },
    serverKeepalive: p.serverKeepalive.value,
    source: SOURCE_ADDRESS_WORD,
    loadServerState: true,
    logHealthChecks: true,
    comments: [
      `timeout client [${p.clientTimeout.source}]`,
      `timeout server [${p.serverTimeout.source}]`,
      `timeout connect [${p.connectTimeout.source}]`,
      `timeout http-request: the time to send a request's headers (redirects, bridge, offload) [${p.httpRequestTimeout.source}]`,
      `redispatch [${p.redispatch.source}]; retries [${p.retries.source}]`,
      `health checks every ${p.checkInterval.value.toHuman()}, rise ${p.checkRise.value}, fall ${p.checkFall.value} [${sectionOf(p.checkInterval.source)}]`,
      `fastinter, after a failed check [${sectionOf(p.checkFastInterval.source)}]; timeout check [${sectionOf(p.checkTimeout.source)}]`,
      `TCP keepalive to the servers [${sectionOf(p.serverKeepalive.source)}]`,
      SOURCE_ADDRESS_COMMENT,
      "log-health-checks: why a real server went down or came back, in the journal (journalctl -u haproxy)",
    ],
  };
}

/** Both nodes of a pair: their stick tables are synchronised, so persistence survives a failover. */
function peersOf(pair: PairSettings): PeersSection {
  return {
    name: PEERS_SECTION,
    peers: pair.nodes.map((node) => ({
      name: node.peerName,
      address: node.address,
      port: PEER_PORT,
    })),
    comments: [
      "Clustered pair (001 appendix 6, 004 appendix 5): persistence tables are pushed to the",
      "other node, so a client keeps its real server across a failover. Local name: haproxy -L.",
    ],
  };
}

/** A VIP's frontends (its own, then its redirect) and backends, under its notes. */
function vipGroup(vip: VipDescription, context: SectionContext): ProxyGroup {
  const tls = vip.terminatedTls;
  const forwarded = vip.ports.length > 0;
  return {
    comments: vip.notes,
    frontends: [
      ...(forwarded
        ? [tls ? terminatedFrontend(vip, tls, context) : tcpFrontend(vip, context)]
        : []),
      ...(vip.redirectPorts.length > 0 ? [redirectFrontend(vip, context)] : []),
    ],
    backends: forwarded
      ? tls
        ? terminatedBackends(vip, tls, context)
        : [tcpBackend(vip, context)]
      : [],
  };
}

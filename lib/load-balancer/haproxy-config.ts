/**
 * Assembles the HAProxy model for one load balancer: global and defaults from
 * the Exchange profile, then each VIP's sections, in the order the VIPs were added.
 */
import { ExchangeProfile } from "../exchange/profiles";
import { Backend, HaproxyConfig, ServiceGroup } from "../haproxy/model";
import { PEERS_SECTION, PEER_PORT } from "../pair/pair-node";
import { INTERMEDIATE_TLS } from "../haproxy/tls";
import type { ExchangeVip } from "../vips/vip";

/** What a clustered pair changes in haproxy.cfg. */
export interface PairHaproxyOptions {
  /** Both nodes: their stick tables are synchronised (`peers`), so persistence survives a failover. */
  readonly peers: readonly { readonly name: string; readonly address: string }[];
  /** Bind `0.0.0.0` instead of the VIP address (an Elastic IP reaches each node on its own address). */
  readonly wildcardBinds: boolean;
}

export function buildHaproxyConfig(
  profile: ExchangeProfile,
  vips: readonly ExchangeVip[],
  maxconn: number,
  pair?: PairHaproxyOptions,
): HaproxyConfig {
  const p = profile;
  const services = vips.map((vip) => vip.toHaproxy(profile));
  return {
    header: [
      `Exchange ${p.version} load balancer (guides ${p.guides}). Generated; edit the construct, not this file.`,
      "Layer 7 SNAT mode (TCP), the AWS equivalent of the guides' appliance VIPs.",
    ],
    global: {
      maxconn,
      ...bufsize(vips),
      tls: vips.some((vip) => vip.terminatedCertificate) ? INTERMEDIATE_TLS : undefined,
    },
    defaults: {
      mode: "tcp",
      retries: p.retries.value,
      redispatch: p.redispatch.value,
      timeouts: {
        connect: p.connectTimeout.value.toHaproxy(),
        client: p.clientTimeout.value.toHaproxy(),
        server: p.serverTimeout.value.toHaproxy(),
        httpRequest: p.httpRequestTimeout.value.toHaproxy(),
      },
      serverDefaults: {
        inter: p.checkInterval.value.toHaproxy(),
        rise: p.checkRise.value,
        fall: p.checkFall.value,
        shutdownSessionsOnDown: p.shutdownSessionsOnDown.value,
      },
      comments: [
        `timeout client [${p.clientTimeout.source}]`,
        `timeout server [${p.serverTimeout.source}]`,
        `timeout connect [${p.connectTimeout.source}]`,
        `timeout http-request, HTTP redirect only [${p.httpRequestTimeout.source}]`,
        `redispatch [${p.redispatch.source}]; retries [${p.retries.source}]`,
        `health checks every ${p.checkInterval.value.toHuman()}, rise ${p.checkRise.value}, fall ${p.checkFall.value} [003 §3.1 IMAP/POP backends]`,
        `sessions cut when a server is marked down [${p.shutdownSessionsOnDown.source}]`,
      ],
    },
    peers: pair
      ? {
          name: PEERS_SECTION,
          peers: pair.peers.map((peer) => ({ ...peer, port: PEER_PORT })),
          comments: [
            "Clustered pair (001 appendix 6, 004 appendix 5): persistence tables are pushed to the",
            "other node, so a client keeps its real server across a failover. Local name: haproxy -L.",
          ],
        }
      : undefined,
    services: pair ? services.map((service) => forPair(service, pair)) : services,
  };
}

function forPair(service: ServiceGroup, pair: PairHaproxyOptions): ServiceGroup {
  const backend = (b: Backend): Backend =>
    b.stickTable ? { ...b, stickTable: { ...b.stickTable, peers: PEERS_SECTION } } : b;
  return {
    ...service,
    frontends: pair.wildcardBinds
      ? service.frontends.map((f) => ({
          ...f,
          binds: f.binds.map((bind) => ({ ...bind, address: "0.0.0.0" })),
        }))
      : service.frontends,
    backends: service.backends.map(backend),
  };
}

/** The largest request buffer any VIP asks for; HAProxy's default when none does. */
function bufsize(vips: readonly ExchangeVip[]): { bufsize?: number } {
  const sizes = vips.flatMap((vip) => (vip.requestBuffer ? [vip.requestBuffer] : []));
  return sizes.length > 0 ? { bufsize: Math.max(...sizes) } : {};
}

/**
 * Assembles the HAProxy model for one load balancer: global and defaults from
 * the Exchange profile, then each VIP's sections, in the order the VIPs were added.
 */
import { ExchangeProfile } from "../exchange/profiles";
import { HaproxyConfig } from "../haproxy/model";
import type { ExchangeVip } from "../vips/vip";

export function buildHaproxyConfig(
  profile: ExchangeProfile,
  vips: readonly ExchangeVip[],
  maxconn: number,
): HaproxyConfig {
  const p = profile;
  return {
    header: [
      `Exchange ${p.version} load balancer (guides ${p.guides}). Generated; edit the construct, not this file.`,
      "Layer 7 SNAT mode (TCP), the AWS equivalent of the guides' appliance VIPs.",
    ],
    global: { maxconn },
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
    services: vips.map((vip) => vip.toHaproxy(profile)),
  };
}

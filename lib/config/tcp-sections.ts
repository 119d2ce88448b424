/**
 * The sections of a TCP VIP (TLS passed through): one frontend on its ports,
 * one backend over its real servers; and the redirect frontend any VIP may
 * have for plain HTTP. Pure.
 */
import { Backend, Frontend } from "../haproxy/model";
import { REDIRECT_SUFFIX, VipDescription } from "../vips/description";
import { SectionContext, backendBase, bindAddress } from "./backend-base";

export function tcpFrontend(vip: VipDescription, context: SectionContext): Frontend {
  return {
    name: vip.name,
    mode: "tcp",
    binds: vip.ports.map((port) => ({ address: bindAddress(vip, context), port })),
    timeouts: { client: vip.timeouts.client },
    defaultBackend: vip.name,
  };
}

export function tcpBackend(vip: VipDescription, context: SectionContext): Backend {
  return {
    ...backendBase(vip, context),
    name: vip.name,
    mode: "tcp",
    healthCheck: vip.healthCheck,
  };
}

export function redirectFrontend(vip: VipDescription, context: SectionContext): Frontend {
  return {
    name: `${vip.name}${REDIRECT_SUFFIX}`,
    mode: "http",
    binds: vip.redirectPorts.map((port) => ({ address: bindAddress(vip, context), port })),
    httpRequestRules: [{ kind: "redirect-scheme", scheme: "https", code: 301 }],
    comments: ["plain HTTP answered with a redirect to HTTPS [004 appendix 4]"],
  };
}

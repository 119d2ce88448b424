import { fail } from "../core/errors";
import { HttpHandling } from "../exchange/profiles";
import { HealthCheck } from "../haproxy/model";
import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { ExchangeVip, VipOptions, persistenceNote } from "./vip";

export interface CasHttpsVipProps extends VipOptions {
  /**
   * HTTPS port.
   * @default 443 [001 §11 VIP1, 004 §11 VIP1]
   */
  readonly httpsPort?: number;
  /**
   * Plain HTTP port.
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * What happens to plain HTTP: forwarded to the servers, redirected to HTTPS by
   * the load balancer, or not listened for.
   * @default "forward" for 2010 [001 §11 VIP1], "redirect-to-https" for 2013+ [004 appendix 4]
   */
  readonly http?: HttpHandling | "none";
  /**
   * Path of an HTTPS GET health check that must answer 200. Any virtual
   * directory's `healthcheck.htm` works [004 §11 VIP1 step 12 note].
   * @default TCP connect for 2010 [001 §11 VIP1]; `/owa/healthcheck.htm` for 2013+ [004 §7]
   */
  readonly healthCheckPath?: string;
}

/**
 * The Client Access HTTPS services: OWA, ECP, EWS, ActiveSync, Outlook Anywhere,
 * MAPI, OAB, Autodiscover (001 §11 VIP1 "CAS-WEB", 004 §11 VIP1 "CAS-HTTPS").
 * TLS passes through to Exchange (TCP mode).
 */
export class CasHttpsVip extends ExchangeVip {
  constructor(lb: ExchangeLoadBalancer, id: string, props: CasHttpsVipProps = {}) {
    const web = lb.profile.web;
    const path = `${lb.node.path}/${id}`;
    const httpsPort = props.httpsPort ?? web.httpsPort.value;
    const httpPort = props.httpPort ?? web.httpPort.value;
    const http = props.http ?? web.http.value;
    if (http !== "none" && httpPort === httpsPort) {
      fail(
        path,
        `HTTP and HTTPS share port ${httpsPort}`,
        "give httpPort and httpsPort different ports",
      );
    }
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
    const healthCheck: HealthCheck =
      checkPath !== undefined
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
    super(lb, id, props, {
      label: lb.profile.version === "2010" ? "CAS-WEB" : "CAS-HTTPS",
      ports: forwarded,
      redirectPorts: http === "redirect-to-https" ? [httpPort] : [],
      persistence,
      healthCheck,
      notes: [
        `HTTP(S) client access, TLS passed through; ${persistenceNote(persistence, web.persistence)}`,
        `health check: ${checkPath !== undefined ? `HTTPS GET ${checkPath} expects 200` : "TCP connect"} [${web.healthCheck.source}]`,
      ],
    });
  }
}

/**
 * The Exchange HTTPS services as the guides route them when TLS is terminated
 * on the load balancer: one backend per virtual directory, each with its own
 * health check, so a broken OWA on one server takes that server out of OWA
 * only [002 §5.1; 003 §3.2.2].
 */
import { ExchangeVersion } from "./version";

export type ExchangeWebService =
  "ActiveSync" | "Autodiscover" | "ECP" | "EWS" | "MAPI" | "OAB" | "OWA" | "PowerShell" | "RPC";

/** Each service's virtual directory; paths match case-insensitively. */
export const WEB_SERVICE_PATHS: Readonly<Record<ExchangeWebService, string>> = {
  ActiveSync: "/Microsoft-Server-ActiveSync",
  Autodiscover: "/Autodiscover",
  ECP: "/ecp",
  EWS: "/EWS",
  MAPI: "/mapi",
  OAB: "/OAB",
  OWA: "/owa",
  PowerShell: "/PowerShell",
  RPC: "/rpc",
};

/** Every service the version has: MAPI over HTTP arrived with 2013 SP1. */
export function webServicesOf(version: ExchangeVersion): ExchangeWebService[] {
  const all = Object.keys(WEB_SERVICE_PATHS) as ExchangeWebService[];
  return version === ExchangeVersion.EXCHANGE_2010 ? all.filter((s) => s !== "MAPI") : all;
}

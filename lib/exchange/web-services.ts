/**
 * The Exchange HTTPS services: the path each is published under when TLS is
 * terminated on the load balancer (one backend and health check per virtual
 * directory, so a broken OWA on one server takes that server out of OWA only
 * [002 §5.1; 003 §3.2.2]), and the virtual directory whose URLs the
 * Exchange-side script sets on the namespace [001 §10 step 1; 004 §8 step 2].
 */

export type ExchangeWebService =
  "ActiveSync" | "Autodiscover" | "ECP" | "EWS" | "MAPI" | "OAB" | "OWA" | "PowerShell" | "RPC";

export interface WebService {
  /** The path it is published under; matched case-insensitively. */
  readonly path: string;
  /** Its virtual directory: cmdlet noun and URL path; absent where the URLs script sets none. */
  readonly directory?: { readonly noun: string; readonly urlPath: string };
}

/** Every service, in the order the load balancer routes them. */
export const WEB_SERVICES: Readonly<Record<ExchangeWebService, WebService>> = {
  ActiveSync: {
    path: "/Microsoft-Server-ActiveSync",
    directory: { noun: "ActiveSyncVirtualDirectory", urlPath: "Microsoft-Server-ActiveSync" },
  },
  Autodiscover: { path: "/Autodiscover" },
  ECP: { path: "/ecp", directory: { noun: "EcpVirtualDirectory", urlPath: "ecp" } },
  EWS: {
    path: "/EWS",
    directory: { noun: "WebServicesVirtualDirectory", urlPath: "EWS/Exchange.asmx" },
  },
  MAPI: { path: "/mapi", directory: { noun: "MapiVirtualDirectory", urlPath: "mapi" } },
  OAB: { path: "/OAB", directory: { noun: "OabVirtualDirectory", urlPath: "OAB" } },
  OWA: { path: "/owa", directory: { noun: "OwaVirtualDirectory", urlPath: "owa" } },
  PowerShell: { path: "/PowerShell" },
  RPC: { path: "/rpc" },
};

/** The order the URLs script sets the virtual directories in [001 §10 step 1; 004 §8 step 2]. */
export const URL_ORDER: readonly ExchangeWebService[] = [
  "OWA",
  "ECP",
  "EWS",
  "ActiveSync",
  "OAB",
  "MAPI",
];

export const ALL_WEB_SERVICES = Object.keys(WEB_SERVICES) as readonly ExchangeWebService[];

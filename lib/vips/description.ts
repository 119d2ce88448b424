/**
 * A VIP as plain, immutable data: everything the load balancer renders it
 * from (haproxy.cfg, security rules, the instance's files, the Exchange-side
 * scripts). A VIP construct builds it once, when it is constructed.
 */
import { Duration } from "../core/duration";
import { BalanceMode } from "../exchange/balance-mode";
import { HealthCheckOptions } from "../exchange/health-check";
import { Persistence } from "../exchange/persistence";
import { RealServer } from "../exchange/real-server";
import { ExchangeWebService } from "../exchange/web-services";
import { HealthCheck } from "../haproxy/model";
import { TlsCertificate } from "../tls/tls-certificate";
import { VipTimeouts } from "./options";

/** The admin port's frontend (lib/config/admin-section.ts): no VIP may take its name. */
export const ADMIN_SECTION = "exchange-lb-admin";

/** The redirect frontend of VIP `X` is `X-redirect`. */
export const REDIRECT_SUFFIX = "-redirect";

export interface VipDescription {
  /** The construct id; the name of its sections in haproxy.cfg. */
  readonly name: string;
  /** The construct path, for messages. */
  readonly path: string;
  /** The guides' name, e.g. `CAS-HTTPS`. */
  readonly label: string;
  /** Address clients connect to. */
  readonly address: string;
  /** Ports forwarded to the real servers. */
  readonly ports: readonly number[];
  /** Ports the load balancer answers itself with a redirect to HTTPS. */
  readonly redirectPorts: readonly number[];
  readonly servers: readonly RealServer[];
  /** Ports on the real servers that traffic and health checks reach. */
  readonly serverPorts: readonly number[];
  /** CIDR blocks allowed to connect, deduplicated, in the order given. */
  readonly sourceCidrs: readonly string[];
  readonly balance: BalanceMode;
  readonly persistence: Persistence;
  /** The VIP's own timeouts (its kind's, then the user's); the rest come from the profile. */
  readonly timeouts: VipTimeouts;
  /** Absent where each published service has its own (`terminatedTls`). */
  readonly healthCheck?: HealthCheck;
  /** The VIP's own health-check timing; the rest comes from the profile. */
  readonly healthCheckTiming?: HealthCheckOptions;
  /** The VIP's own connection limit, or its share of the load balancer's; neither: none. */
  readonly maxconn?: number;
  readonly maxconnShare?: number;
  /** Sessions to a server marked down are cut (long-lived mailbox protocols). */
  readonly shutdownSessionsOnDown: boolean;
  /** Citations and reasons printed above the VIP's sections, the label first. */
  readonly notes: readonly string[];
  /** HTTPS terminated on the load balancer; absent: TCP, TLS passed through. */
  readonly terminatedTls?: TerminatedTls;
  /** What the Exchange servers must be set up with for this VIP. */
  readonly exchangeSide?: ExchangeSide;
}

/** HTTPS terminated on the load balancer: one backend and health check per published service. */
export interface TerminatedTls {
  /** `bridge` re-encrypts to the servers; `offload` sends them plain HTTP. */
  readonly mode: "bridge" | "offload";
  readonly certificate: TlsCertificate;
  /** The port the servers are reached on. */
  readonly serverPort: number;
  /** The SNI sent to the servers (bridge). */
  readonly namespace: string;
  /** Bridge: a server presenting another certificate than the VIP's fails a rollout. */
  readonly requireSameCertificate: boolean;
  readonly services: readonly PublishedService[];
  /** Keep OWA and ECP on one server with a cookie. */
  readonly owaCookie: boolean;
  /** Keep an ActiveSync device on one server by its DeviceId. */
  readonly activeSyncPersistence: boolean;
  /** Add X-Forwarded-For. */
  readonly forwardedFor: boolean;
  /** HAProxy's request buffer (`tune.bufsize`), when above its default. */
  readonly requestBuffer?: number;
  /** Idle time between two requests on one client connection. */
  readonly keepAliveTimeout: Duration;
}

export interface PublishedService {
  readonly service: ExchangeWebService;
  /** The virtual directory, e.g. `/owa`. */
  readonly path: string;
  readonly healthCheck: HealthCheck;
}

export type ExchangeSide =
  /** Exchange 2010's RPC Client Access and Address Book services on static ports. */
  | {
      readonly kind: "static-rpc-ports";
      readonly rpcClientAccessPort: number;
      readonly addressBookPort: number;
    }
  /** A receive connector that accepts mail relayed by the load balancer. */
  | { readonly kind: "receive-connector"; readonly port: number };

/**
 * Exchange version profiles: the guides' defaults as data, each with its source,
 * and every other difference between versions (labels, services, health checks,
 * the Exchange-side cmdlets), so that no code outside this folder branches on a
 * version. The VIP constructs and the Exchange-side scripts read these;
 * `defaultsTable` prints them for the README.
 */
import { Duration } from "../core/duration";
import { BalanceMode } from "./balance-mode";
import { Cited, cite } from "./citation";
import {
  COMMON_DEFAULTS,
  HTTPS_IDLE_SOURCE,
  KEEP_ALIVE_SOURCE,
  REQUEST_BUFFER,
  UNPUBLISHED_BY_DEFAULT,
  ServerKeepaliveTiming,
} from "./common-defaults";
import { Persistence } from "./persistence";
import { ExchangeManagement } from "./management";
import { ExchangeVersion } from "./version";
import { ALL_WEB_SERVICES, ExchangeWebService } from "./web-services";

/** How the HTTPS VIP tells a healthy Client Access server. */
export type WebHealthCheck =
  | { readonly kind: "tcp-connect" }
  | { readonly kind: "https-get"; readonly path: string; readonly expectStatus: number };

/** What the HTTPS VIP does with plain HTTP on port 80. */
export type HttpHandling = "forward" | "redirect-to-https";

/** How a terminating HTTPS VIP checks each virtual directory: GET `<path><suffix>`. */
export interface DirectoryCheck {
  readonly suffix: string;
  /** A status code, or a pattern of accepted codes. */
  readonly expect: { readonly status: number } | { readonly statusPattern: string };
}

export interface ExchangeProfile {
  readonly version: ExchangeVersion;
  /** Guides that define this profile. */
  readonly guides: string;
  readonly clientTimeout: Cited<Duration>;
  readonly serverTimeout: Cited<Duration>;
  readonly connectTimeout: Cited<Duration>;
  readonly httpRequestTimeout: Cited<Duration>;
  readonly balance: Cited<BalanceMode>;
  readonly redispatch: Cited<boolean>;
  readonly retries: Cited<number>;
  readonly serverWeight: Cited<number>;
  readonly checkInterval: Cited<Duration>;
  /** Interval once a check has failed, until the server is down or passes again. */
  readonly checkFastInterval: Cited<Duration>;
  /** How long a check may wait for its answer once connected (`timeout check`). */
  readonly checkTimeout: Cited<Duration>;
  readonly checkRise: Cited<number>;
  readonly checkFall: Cited<number>;
  /** Which VIPs cut their sessions to a server marked down (`on-marked-down shutdown-sessions`). */
  /** TCP keepalive to the servers: idle time, probe interval and count before a dead server's session ends. */
  readonly serverKeepalive: Cited<ServerKeepaliveTiming>;
  /** How long the old process of a reload keeps its sessions (`hard-stop-after`). */
  readonly reloadGrace: Cited<Duration>;
  /** SMTP, IMAP and POP VIPs: their own limit, a share of the load balancer's maxconn. */
  readonly mailConnectionShare: Cited<number>;
  readonly shutdownSessionsOnDown: {
    /** RPC, IMAP and POP: one long-lived connection per client, pinned to one server. */
    readonly mailbox: Cited<boolean>;
    /** HTTPS and SMTP: requests and sessions that end by themselves. */
    readonly requests: Cited<boolean>;
  };
  readonly web: {
    /** The guides' name of the HTTPS VIP. */
    readonly label: string;
    /** Services the version has, in routing order: MAPI over HTTP arrived with 2013 SP1. */
    readonly services: readonly ExchangeWebService[];
    /** Per-directory health check of the terminating modes. */
    readonly directoryCheck: Cited<DirectoryCheck>;
    readonly httpsPort: Cited<number>;
    readonly httpPort: Cited<number>;
    /** Idle timeouts of the HTTPS VIP, client and server side: above ActiveSync's longest heartbeat. */
    readonly idleTimeout: Cited<Duration>;
    /** Terminating modes: idle time between two requests on one client connection. */
    readonly keepAliveTimeout: Cited<Duration>;
    /** Terminating modes: `tune.bufsize`, for Windows' largest Kerberos token. */
    readonly requestBuffer: Cited<number>;
    /** Terminating modes: services published only when listed. */
    readonly unpublishedByDefault: Cited<readonly ExchangeWebService[]>;
    readonly http: Cited<HttpHandling>;
    readonly persistence: Cited<Persistence>;
    readonly healthCheck: Cited<WebHealthCheck>;
  };
  /** Undefined: Outlook has no RPC/TCP to load balance in this version. */
  readonly rpc:
    | {
        readonly endpointMapperPort: Cited<number>;
        readonly rpcClientAccessPort: Cited<number>;
        readonly addressBookPort: Cited<number>;
        readonly persistence: Cited<Persistence>;
      }
    | { readonly unsupported: string };
  readonly imap: { readonly ports: Cited<readonly [number, number]> };
  readonly pop: { readonly ports: Cited<readonly [number, number]> };
  readonly mailPersistence: Cited<Persistence>;
  readonly smtp: {
    /** The guides' name of the SMTP VIP. */
    readonly label: string;
    readonly port: Cited<number>;
    readonly persistence: Cited<Persistence>;
  };
  readonly management: ExchangeManagement;
}

/** The static RPC port range Microsoft recommends (001 §10 step 2, 003 §2.4). */
export const STATIC_RPC_PORT_RANGE = { min: 59531, max: 60554 } as const;

const ONE_HOUR_SOURCE_IP = Persistence.sourceIp(Duration.hours(1));

const EXCHANGE_2010: ExchangeProfile = {
  ...COMMON_DEFAULTS,
  version: ExchangeVersion.EXCHANGE_2010,
  guides: "001, 003",
  clientTimeout: cite(Duration.hours(1), "001 §11 step 1: Client Timeout 1 h"),
  serverTimeout: cite(Duration.hours(1), "001 §11 step 1: Real Server Timeout 1 h"),
  web: {
    label: "CAS-WEB",
    services: ALL_WEB_SERVICES.filter((service) => service !== "MAPI"),
    // 2010 has no healthcheck.htm: a directory answers 2xx, 3xx or 401.
    directoryCheck: cite(
      { suffix: "/", expect: { statusPattern: "(2..|3..|401)" } },
      "003 §3.2.2: GET /<vdir>/, 2xx, 3xx or 401",
    ),
    httpsPort: cite(443, "001 §11 VIP1: CAS-WEB 80,443"),
    httpPort: cite(80, "001 §11 VIP1: CAS-WEB 80,443"),
    idleTimeout: cite(Duration.hours(1), HTTPS_IDLE_SOURCE),
    keepAliveTimeout: cite(Duration.seconds(110), KEEP_ALIVE_SOURCE),
    requestBuffer: REQUEST_BUFFER,
    unpublishedByDefault: UNPUBLISHED_BY_DEFAULT,
    http: cite("forward", "001 §11 VIP1: port 80 load balanced like 443"),
    persistence: cite(ONE_HOUR_SOURCE_IP, "001 §7 persistence table, §11 VIP1: source IP 60 min"),
    healthCheck: cite({ kind: "tcp-connect" }, "001 §11 VIP1, 003 §3.1 bk_web_ssl: TCP connect"),
  },
  rpc: {
    endpointMapperPort: cite(135, "001 §7 port table: 135 RPC end point mapper"),
    rpcClientAccessPort: cite(60200, "001 §10 step 2: RPC Client Access static port 60200"),
    addressBookPort: cite(60201, "001 §10 step 2: Address Book static port 60201"),
    persistence: cite(
      ONE_HOUR_SOURCE_IP,
      "001 §11 VIP2 source IP 60 min; 003 §3.1 one shared sourceaddr table",
    ),
  },
  mailPersistence: cite(Persistence.none(), "001 §11 VIP3 note: not required for IMAP or POP3"),
  smtp: {
    label: "HT-SMTP",
    port: cite(25, "001 §11 VIP4: HT-SMTP 25"),
    persistence: cite(Persistence.none(), "001 §11 VIP4 note: not required for SMTP"),
  },
  management: {
    snapIn: "Microsoft.Exchange.Management.PowerShell.E2010",
    clientAccessNoun: "ClientAccessServer",
    outlookAnywhere: false,
    namespaceStep: "cas-array",
    urlsSource: "001 §10 step 1",
    scpSource: "001 §10 step 1",
    smtpServers: "every Hub Transport server behind the SMTP VIP",
  },
};

function modernProfile(
  version: ExchangeVersion,
  clientAccessNoun: ExchangeManagement["clientAccessNoun"],
): ExchangeProfile {
  return {
    ...COMMON_DEFAULTS,
    version,
    guides: "004, 002",
    clientTimeout: cite(Duration.minutes(30), "004 §11: Client Timeout 30m"),
    serverTimeout: cite(Duration.minutes(30), "004 §11: Real Server Timeout 30m"),
    web: {
      label: "CAS-HTTPS",
      services: ALL_WEB_SERVICES,
      directoryCheck: cite(
        { suffix: "/healthcheck.htm", expect: { status: 200 } },
        "002 §5.1: GET /<vdir>/healthcheck.htm, 200",
      ),
      httpsPort: cite(443, "004 §11 VIP1: CAS-HTTPS 443"),
      httpPort: cite(80, "004 appendix 4: HTTP-redirect VIP on port 80"),
      // 004 §11's 30 min is shorter than the heartbeat: see HTTPS_IDLE_SOURCE.
      idleTimeout: cite(Duration.hours(1), HTTPS_IDLE_SOURCE),
      keepAliveTimeout: cite(Duration.seconds(110), KEEP_ALIVE_SOURCE),
      requestBuffer: REQUEST_BUFFER,
      unpublishedByDefault: UNPUBLISHED_BY_DEFAULT,
      http: cite("redirect-to-https", "004 appendix 4: Force to HTTPS"),
      persistence: cite(Persistence.none(), "004 §7: persistence no longer required"),
      healthCheck: cite(
        { kind: "https-get", path: "/owa/healthcheck.htm", expectStatus: 200 },
        "004 §7 health-checks, §11 VIP1 steps 11-13: HTTPS GET owa/healthcheck.htm, 200 OK",
      ),
    },
    rpc: {
      unsupported:
        "Exchange 2013 and later have no client RPC/TCP: Outlook connects over HTTPS [004 §6 client access protocols]",
    },
    mailPersistence: cite(Persistence.none(), "004 §7, §11 VIP2: Persistence Mode None"),
    smtp: {
      label: "CAS-SMTP",
      port: cite(25, "004 §11 VIP3: CAS-SMTP 25"),
      persistence: cite(Persistence.none(), "004 §11 VIP3: Persistence Mode None"),
    },
    management: {
      snapIn: "Microsoft.Exchange.Management.PowerShell.SnapIn",
      clientAccessNoun,
      outlookAnywhere: true,
      namespaceStep: "maintenance",
      urlsSource: "004 §8 steps 1-4 and 9",
      scpSource: "004 §8 step 4",
      receiveConnectorRole: "FrontendTransport",
      smtpServers: "every Mailbox server behind the SMTP VIP",
    },
  };
}

const PROFILES: Record<ExchangeVersion, ExchangeProfile> = {
  [ExchangeVersion.EXCHANGE_2010]: EXCHANGE_2010,
  [ExchangeVersion.EXCHANGE_2013]: modernProfile(
    ExchangeVersion.EXCHANGE_2013,
    "ClientAccessServer",
  ),
  // 2016 renamed Set-ClientAccessServer to Set-ClientAccessService.
  [ExchangeVersion.EXCHANGE_2016]: modernProfile(
    ExchangeVersion.EXCHANGE_2016,
    "ClientAccessService",
  ),
  [ExchangeVersion.EXCHANGE_2019]: modernProfile(
    ExchangeVersion.EXCHANGE_2019,
    "ClientAccessService",
  ),
  // SE is 2019 CU15 under a new name and licence: the 2019 profile.
  [ExchangeVersion.EXCHANGE_SE]: modernProfile(ExchangeVersion.EXCHANGE_SE, "ClientAccessService"),
};

export function profileFor(version: ExchangeVersion): ExchangeProfile {
  const profile = PROFILES[version];
  if (!profile) {
    throw new Error(
      `Unknown Exchange version "${version}"; use one of ${Object.values(ExchangeVersion).join(", ")}`,
    );
  }
  return profile;
}

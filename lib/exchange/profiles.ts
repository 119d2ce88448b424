/**
 * Exchange version profiles: the guides' defaults as data, each with its source.
 * The VIP constructs read these; `defaultsTable` prints them for the README.
 */
import { Duration } from "../core/duration";
import { BalanceMode } from "./balance-mode";
import { Cited, cite } from "./citation";
import { Persistence } from "./persistence";
import { ExchangeVersion } from "./version";

/** How the HTTPS VIP tells a healthy Client Access server. */
export type WebHealthCheck =
  | { readonly kind: "tcp-connect" }
  | { readonly kind: "https-get"; readonly path: string; readonly expectStatus: number };

/** What the HTTPS VIP does with plain HTTP on port 80. */
export type HttpHandling = "forward" | "redirect-to-https";

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
  readonly checkRise: Cited<number>;
  readonly checkFall: Cited<number>;
  readonly shutdownSessionsOnDown: Cited<boolean>;
  readonly web: {
    readonly httpsPort: Cited<number>;
    readonly httpPort: Cited<number>;
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
  readonly smtp: { readonly port: Cited<number>; readonly persistence: Cited<Persistence> };
}

/** The static RPC port range Microsoft recommends (001 §10 step 2, 003 §2.4). */
export const STATIC_RPC_PORT_RANGE = { min: 59531, max: 60554 } as const;

const ONE_HOUR_SOURCE_IP = Persistence.sourceIp(Duration.hours(1));

/** Settings both guide families agree on. */
const common = {
  connectTimeout: cite(Duration.seconds(4), "001 §11 step 1: Connection Timeout 4000 ms"),
  httpRequestTimeout: cite(Duration.seconds(15), "003 §3.1: timeout http-request 15s"),
  balance: cite(BalanceMode.ROUND_ROBIN, "001 §11 step 2, 004 §11: Weighted Round Robin"),
  redispatch: cite(true, "001 §11 step 1: Redispatch"),
  retries: cite(3, "003 §3.1: retries 3"),
  serverWeight: cite(100, "001 §11 step 2: real server weight 100"),
  checkInterval: cite(Duration.seconds(1), "003 §3.1 IMAP/POP backends: inter 1s"),
  checkRise: cite(2, "003 §3.1 IMAP/POP backends: rise 2"),
  checkFall: cite(3, "003 §3.1 IMAP/POP backends: fall 3"),
  shutdownSessionsOnDown: cite(
    true,
    "003 §3.1 on-marked-down shutdown-sessions; 002 §2.2.3 drop connections on real server failure",
  ),
  imap: { ports: cite([143, 993] as const, "001 §11 VIP3, 004 §11 VIP2: 143, 993") },
  pop: { ports: cite([110, 995] as const, "001 §11 VIP3 note, 004 §11 VIP2 note: 110, 995") },
};

const EXCHANGE_2010: ExchangeProfile = {
  ...common,
  version: ExchangeVersion.EXCHANGE_2010,
  guides: "001, 003",
  clientTimeout: cite(Duration.hours(1), "001 §11 step 1: Client Timeout 1 h"),
  serverTimeout: cite(Duration.hours(1), "001 §11 step 1: Real Server Timeout 1 h"),
  web: {
    httpsPort: cite(443, "001 §11 VIP1: CAS-WEB 80,443"),
    httpPort: cite(80, "001 §11 VIP1: CAS-WEB 80,443"),
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
    port: cite(25, "001 §11 VIP4: HT-SMTP 25"),
    persistence: cite(Persistence.none(), "001 §11 VIP4 note: not required for SMTP"),
  },
};

function modernProfile(version: ExchangeVersion): ExchangeProfile {
  return {
    ...common,
    version,
    guides: "004, 002",
    clientTimeout: cite(Duration.minutes(30), "004 §11: Client Timeout 30m"),
    serverTimeout: cite(Duration.minutes(30), "004 §11: Real Server Timeout 30m"),
    web: {
      httpsPort: cite(443, "004 §11 VIP1: CAS-HTTPS 443"),
      httpPort: cite(80, "004 appendix 4: HTTP-redirect VIP on port 80"),
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
      port: cite(25, "004 §11 VIP3: CAS-SMTP 25"),
      persistence: cite(Persistence.none(), "004 §11 VIP3: Persistence Mode None"),
    },
  };
}

const PROFILES: Record<ExchangeVersion, ExchangeProfile> = {
  [ExchangeVersion.EXCHANGE_2010]: EXCHANGE_2010,
  [ExchangeVersion.EXCHANGE_2013]: modernProfile(ExchangeVersion.EXCHANGE_2013),
  [ExchangeVersion.EXCHANGE_2016]: modernProfile(ExchangeVersion.EXCHANGE_2016),
  [ExchangeVersion.EXCHANGE_2019]: modernProfile(ExchangeVersion.EXCHANGE_2019),
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

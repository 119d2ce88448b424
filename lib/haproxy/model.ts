/**
 * A typed model of the haproxy.cfg (HAProxy 2.6) this library emits: durations, conditions,
 * rules and checks are types, never HAProxy text. Pure data: `lib/config/` builds it.
 */
import { Duration } from "../core/duration";
import type { AdminFrontend, HealthFrontend } from "./node-frontends";

export type { AdminFrontend, HealthFrontend } from "./node-frontends";

/** Comment lines printed above a section or directive (citations, reasons). */
export type Comments = readonly string[];

export interface GlobalSection {
  readonly maxconn: number;
  /** The admin socket (`stats socket`), which hands listeners to a reloaded process. */
  readonly adminSocket: string;
  /** `tune.bufsize`: the largest request header block HAProxy accepts, plus rewrite room. */
  readonly bufsize?: number;
  /** `hard-stop-after`: how long the old process of a reload may keep its sessions. */
  readonly hardStopAfter?: Duration;
  /** TLS defaults for every `ssl` bind and server (`ssl-default-*`), when any terminates TLS. */
  readonly tls?: TlsDefaults;
  /** `server-state-file`: the servers' states saved before a reload, read by the new process. */
  readonly serverStateFile?: string;
  readonly comments?: Comments;
}

export interface Timeouts {
  readonly connect?: Duration;
  readonly client?: Duration;
  readonly server?: Duration;
  readonly httpRequest?: Duration;
  /** Idle time between two requests on a client connection (http mode). */
  readonly httpKeepAlive?: Duration;
  /** Read timeout of a health check once connected. */
  readonly check?: Duration;
}

export interface ServerDefaults {
  readonly inter: Duration;
  /** Interval while a server's checks are failing, before it is marked down. */
  readonly fastinter?: Duration;
  readonly rise: number;
  readonly fall: number;
  /** `on-marked-down shutdown-sessions`: cut sessions to a server marked down. */
  readonly shutdownSessionsOnDown?: boolean;
}

/** TCP keepalive on the connections to the servers (`option srvtcpka`). */
export interface ServerKeepalive {
  readonly idle: Duration;
  readonly interval: Duration;
  readonly count: number;
}

export interface DefaultsSection {
  readonly mode: "tcp" | "http";
  readonly timeouts: Required<Pick<Timeouts, "connect" | "client" | "server">> & Timeouts;
  readonly retries: number;
  readonly redispatch: boolean;
  readonly serverDefaults: ServerDefaults;
  /**
   * `source`: the address connections and health checks to the servers leave
   * from; a quoted word may read an environment variable (`"${NAME-default}"`).
   */
  readonly source?: string;
  readonly serverKeepalive?: ServerKeepalive;
  /** `option log-health-checks`: each change of a server's check result is logged. */
  readonly logHealthChecks?: boolean;
  /** `load-server-state-from-file global`: start from the saved states. */
  readonly loadServerState?: boolean;
  readonly comments?: Comments;
}

/** Protocol floor and cipher lists for TLS the load balancer terminates or originates. */
export interface TlsDefaults {
  readonly minVersion: "TLSv1.2" | "TLSv1.3";
  /** TLS 1.2 cipher list (OpenSSL names). */
  readonly ciphers: string;
  /** TLS 1.3 cipher suites. */
  readonly ciphersuites: string;
  readonly comments?: Comments;
}

export interface Bind {
  readonly address: string;
  readonly port: number;
  /** Terminate TLS with the certificate bundle (chain + key, PEM) at this path. */
  readonly ssl?: { readonly certificate: string; readonly alpn: readonly string[] };
}

/** An anonymous ACL: a request matches when its path is (or starts with) one of the values. */
export type Condition =
  | { readonly kind: "path"; readonly values: readonly string[]; readonly ignoreCase: boolean }
  | {
      readonly kind: "path-prefix";
      readonly values: readonly string[];
      readonly ignoreCase: boolean;
    }
  /** Any of the conditions (`||`). */
  | { readonly kind: "any"; readonly of: readonly Condition[] };

/** An `http-request` rule. */
export type HttpRequestRule =
  | { readonly kind: "redirect-scheme"; readonly scheme: "https"; readonly code: 301 | 302 }
  | {
      readonly kind: "redirect-location";
      readonly location: string;
      readonly code: 301 | 302;
      readonly when: Condition;
    }
  | { readonly kind: "deny"; readonly status: number; readonly unless: Condition };

/** `use_backend <backend> if <when>`. */
export interface BackendRoute {
  readonly backend: string;
  readonly when: Condition;
}

export interface Frontend {
  readonly name: string;
  readonly mode: "tcp" | "http";
  readonly binds: readonly Bind[];
  /** Connections it holds at once; more wait in its listen queue. */
  readonly maxconn?: number;
  /** Absent for a frontend that only answers itself (an HTTP redirect). */
  readonly defaultBackend?: string;
  readonly timeouts?: Timeouts;
  /** `http-request` rules, in order (http mode only). */
  readonly httpRequestRules?: readonly HttpRequestRule[];
  /** `use_backend` rules, in order (http mode only). */
  readonly routes?: readonly BackendRoute[];
  /** `option forwardfor`: the client address in X-Forwarded-For (http mode only). */
  readonly forwardFor?: boolean;
  readonly comments?: Comments;
}

/** One step of a TCP health check script (`option tcp-check`). Texts are plain: CR and LF are real. */
export type TcpCheckStep =
  /** `tls`: the check speaks TLS on this port (certificate not verified). */
  | { readonly connect: { readonly port: number; readonly tls?: boolean } }
  | { readonly expectString: string }
  | { readonly expectRegex: string }
  | { readonly send: string };

/** What an HTTP check accepts: one status, or a regular expression of statuses. */
export type HttpCheckExpect = { readonly status: number } | { readonly statusPattern: string };

export type HealthCheck =
  | { readonly kind: "tcp"; readonly steps: readonly TcpCheckStep[] }
  | {
      readonly kind: "http";
      readonly method: "GET" | "HEAD";
      readonly uri: string;
      readonly host: string;
      readonly port: number;
      /** Speak TLS to the check port (HTTPS check, certificate not verified). */
      readonly tls: boolean;
      /** The server name sent in the TLS handshake, for bindings that require SNI. */
      readonly sni?: string;
      readonly expect: HttpCheckExpect;
    };

/** What a stick table is keyed on: the client address, or a parameter of the request's query. */
export type StickKey =
  { readonly kind: "source" } | { readonly kind: "url-param"; readonly name: string };

export interface StickTable {
  readonly type: "ip" | "string";
  /** Key length for string tables. */
  readonly len?: number;
  /** Entries, HAProxy size syntax (`100k`). */
  readonly size: string;
  readonly expire: Duration;
  readonly key: StickKey;
  /** The `peers` section the table is synchronised with. */
  readonly peers?: string;
}

/** A `peers` section: stick tables pushed to the other node over TCP. */
export interface PeersSection {
  readonly name: string;
  readonly peers: readonly {
    readonly name: string;
    readonly address: string;
    readonly port: number;
  }[];
  readonly comments?: Comments;
}

export interface Server {
  readonly name: string;
  readonly address: string;
  /** Absent: the server is reached on the port the client connected to. */
  readonly port?: number;
  readonly weight: number;
  /** Drain (`weight 0`: no new connections) or maintenance (`disabled`: no traffic). */
  readonly admin?: "drain" | "maintenance";
  /** Speak TLS to the server, sending this SNI; the certificate is not verified. */
  readonly ssl?: { readonly sni: string };
  /** The value of the persistence cookie that names this server. */
  readonly cookie?: string;
  /** `track`: follow this server's health and state; `source`: leave from this address. */
  readonly track?: string;
  readonly source?: string;
}

export interface Backend {
  readonly name: string;
  readonly mode: "tcp" | "http";
  readonly balance: "roundrobin" | "leastconn" | "source";
  /** How `balance source` maps a hash to a server; consistent: the same on every node. */
  readonly hashType?: "consistent";
  /** Persistence: `stick on <key>` against this table. */
  readonly stickTable?: StickTable;
  /** Cookie persistence: `cookie <name> insert indirect nocache` (http mode), `secure` and `httponly`. */
  readonly cookie?: { readonly name: string; readonly secure: boolean; readonly httpOnly: boolean };
  /** `http-reuse`: `never` keeps each server connection to one client (NTLM, Kerberos). */
  readonly httpReuse?: "never" | "safe";
  readonly timeouts?: Timeouts;
  readonly healthCheck?: HealthCheck;
  /** Overrides of the defaults section's `default-server` line. */
  readonly serverDefaults?: Partial<ServerDefaults>;
  readonly servers: readonly Server[];
  readonly comments?: Comments;
}

/** The sections of one VIP, printed together under its comments. */
export interface ProxyGroup {
  readonly comments?: Comments;
  readonly frontends: readonly Frontend[];
  readonly backends: readonly Backend[];
}

export interface HaproxyConfig {
  readonly header?: Comments;
  readonly global: GlobalSection;
  readonly defaults: DefaultsSection;
  /** Printed after defaults; the local peer's name comes from `haproxy -L` at start. */
  readonly peers?: PeersSection;
  /** Printed after peers, before the VIPs. */
  readonly admin?: AdminFrontend;
  /** Printed after admin. */
  readonly health?: HealthFrontend;
  readonly groups: readonly ProxyGroup[];
}

/**
 * A typed model of the subset of haproxy.cfg (HAProxy 2.6) this library emits.
 * Pure data: the Exchange layer builds it, `renderHaproxyConfig` prints it.
 */

/** Comment lines printed above a section or directive (citations, reasons). */
export type Comments = readonly string[];

export interface GlobalSection {
  readonly maxconn: number;
  /** `tune.bufsize`: the largest request header block HAProxy accepts, plus rewrite room. */
  readonly bufsize?: number;
  /** TLS defaults for every `ssl` bind and server (`ssl-default-*`), when any terminates TLS. */
  readonly tls?: TlsDefaults;
  readonly comments?: Comments;
}

export interface Timeouts {
  readonly connect?: string;
  readonly client?: string;
  readonly server?: string;
  readonly httpRequest?: string;
}

export interface ServerDefaults {
  readonly inter: string;
  readonly rise: number;
  readonly fall: number;
  /** `on-marked-down shutdown-sessions`: cut sessions to a server marked down. */
  readonly shutdownSessionsOnDown: boolean;
}

export interface DefaultsSection {
  readonly mode: "tcp" | "http";
  readonly timeouts: Required<Pick<Timeouts, "connect" | "client" | "server">> & Timeouts;
  readonly retries: number;
  readonly redispatch: boolean;
  readonly serverDefaults: ServerDefaults;
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

/** Requests whose path is one of `paths` or lies below one go to `backend`. */
export interface PathRoute {
  readonly backend: string;
  /** Directory paths without a trailing slash, e.g. `/owa`; matched case-insensitively. */
  readonly paths: readonly string[];
}

export interface Frontend {
  readonly name: string;
  readonly mode: "tcp" | "http";
  readonly binds: readonly Bind[];
  /** Absent for a frontend that only answers itself (an HTTP redirect). */
  readonly defaultBackend?: string;
  readonly timeouts?: Timeouts;
  /** `http-request` rules, in order (http mode only). */
  readonly httpRequestRules?: readonly string[];
  /** `use_backend` by path, in order (http mode only). */
  readonly routes?: readonly PathRoute[];
  /** `option forwardfor`: the client address in X-Forwarded-For (http mode only). */
  readonly forwardFor?: boolean;
  readonly comments?: Comments;
}

/** One step of a TCP health check script (`option tcp-check`). */
export type TcpCheckStep =
  | { readonly connect: { readonly port: number } }
  | { readonly expectString: string }
  | { readonly expectRegex: string }
  | { readonly send: string };

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
      /** A status code, or a regex of accepted codes, e.g. `(2..|3..|401)`. */
      readonly expectStatus: number | string;
    };

export interface StickTable {
  readonly type: "ip" | "string";
  /** Key length for string tables. */
  readonly len?: number;
  readonly size: string;
  readonly expire: string;
  /** The sample the table is keyed on. @default "src" */
  readonly on?: string;
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
  /** Speak TLS to the server, sending this SNI; the certificate is not verified. */
  readonly ssl?: { readonly sni: string };
  /** The value of the persistence cookie that names this server. */
  readonly cookie?: string;
}

export interface Backend {
  readonly name: string;
  readonly mode: "tcp" | "http";
  readonly balance: "roundrobin" | "leastconn" | "source";
  /** Persistence: `stick on <on>` against this table. */
  readonly stickTable?: StickTable;
  /** Cookie persistence: `cookie <name> insert indirect nocache` (http mode). */
  readonly cookie?: { readonly name: string };
  /** `http-reuse`: `never` keeps each server connection to one client (NTLM, Kerberos). */
  readonly httpReuse?: "never" | "safe";
  readonly timeouts?: Timeouts;
  readonly healthCheck?: HealthCheck;
  /** Overrides of the defaults section's `default-server` line. */
  readonly serverDefaults?: Partial<ServerDefaults>;
  readonly servers: readonly Server[];
  readonly comments?: Comments;
}

/** The sections of one virtual service, printed together under its comments. */
export interface ServiceGroup {
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
  readonly services: readonly ServiceGroup[];
}

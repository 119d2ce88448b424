/**
 * The defaults every Exchange version shares: those both guide families agree
 * on, and those no guide sets (check timeout, fast interval, reload grace,
 * idle and keep-alive timeouts of HTTPS), each with the reason it has.
 */
import { Duration } from "../core/duration";
import { BalanceMode } from "./balance-mode";
import { cite } from "./citation";
import { ExchangeWebService } from "./web-services";

/**
 * No guide sets a check timeout: without one HAProxy allows a check only its
 * interval (1 s), so three slow healthcheck.htm answers in a row (an app pool
 * recycling) mark a healthy server down. 4 s passes a slow answer; the connect
 * part stays min(timeout connect, inter) = 1 s, so an unreachable server still
 * fails each check in 1 s.
 */
const CHECK_TIMEOUT_SOURCE =
  "HAProxy 2.6 configuration §4 timeout check: connect within min(timeout connect, inter), then read within timeout check";
/** After one failed check the next come 4x faster: a dead server is out within about 4.5 s. */
const FAST_INTERVAL_SOURCE =
  "HAProxy 2.6 configuration §5.2 fastinter: interval while a server is going down";
/**
 * HTTPS and SMTP sessions end by themselves (a request, a message). One
 * directory's check stands for the whole HTTPS VIP in pass-through (004 §7,
 * §11: owa/healthcheck.htm), and 004 §12 shows one component set inactive
 * (OwaProxy) marking the server down: cutting sessions then would disconnect
 * every MAPI, EWS and ActiveSync user of services that still work. A server that
 * really died loses its idle sessions to TCP keepalive instead (SERVER_KEEPALIVE).
 */
const KEEP_SESSIONS_SOURCE =
  "003 §3.1: shutdown-sessions on the RPC, IMAP and POP backends only; 004 §7, §12: one directory's check (owa, OwaProxy) stands for every HTTPS service";
/**
 * TCP keepalive to the servers: an idle session (an ActiveSync Ping, a MAPI
 * notification wait) on a server that died without a reset is ended after
 * 60 s + 3 x 10 s, and its client reconnects to a healthy server, instead of
 * waiting for the hour-long idle timeout.
 */
const SERVER_KEEPALIVE_SOURCE =
  "HAProxy 2.6 configuration §4 option srvtcpka, srvtcpka-idle/-intvl/-cnt: a dead server's idle sessions end within 90 s";
/**
 * Exchange holds an ActiveSync Direct Push request for up to 3,540 s (the
 * MaxHeartbeatInterval default of the ActiveSync virtual directory's web.config,
 * Exchange 2007 to SE); a load balancer that closes it earlier makes devices
 * shorten their heartbeat (battery, traffic, Event 1040 on Exchange, which asks
 * for firewall timeouts above it). An hour is 001's value and above it.
 */
export const HTTPS_IDLE_SOURCE =
  "Microsoft Exchange ActiveSync: MaxHeartbeatInterval default 3540 s, Event 1040 (timeouts below the heartbeat); 001 §11 step 1: 1 h";

/** ActiveSync's longest heartbeat: an HTTPS idle timeout at or below it makes phones shorten theirs. */
export const ACTIVESYNC_MAX_HEARTBEAT = Duration.seconds(3540);

/**
 * A reload (every config rollout) leaves the old process serving its sessions;
 * with hour-long idle timeouts a busy TCP session would keep it for days. After
 * an hour, what is left is cut and reconnects (Outlook and phones do so by
 * themselves); an ActiveSync request (at most 3,540 s) has ended by then.
 */
const RELOAD_GRACE_SOURCE =
  "HAProxy 2.6 configuration §3.1 hard-stop-after; above ActiveSync's 3540 s heartbeat";
/**
 * NTLM and Kerberos authenticate a connection: closing an idle one after the
 * 15 s request timeout makes the next request authenticate again. IIS keeps an
 * idle connection 120 s; the load balancer lets go 10 s earlier, so a request
 * never meets a server connection IIS is closing.
 */
export const KEEP_ALIVE_SOURCE =
  "IIS connectionTimeout default 120 s (Microsoft: system.applicationHost/sites/siteDefaults/limits), less 10 s";

/**
 * A Kerberos ticket may reach Windows' MaxTokenSize, 48,000 bytes: 64,000 bytes
 * as the base64 of `Authorization: Negotiate`. 004 §11's 51200 refuses it. 72 KiB
 * holds that header and 8 KiB of the others, less HAProxy's 1 KiB rewrite room.
 */
export const REQUEST_BUFFER = cite(
  73_728,
  "Microsoft KB 2020943: MaxTokenSize 48,000 bytes, a 64,000-byte Negotiate header; 004 §11's 51200 is too small",
);

/**
 * Remote PowerShell from outside is an attack path (ProxyShell, CVE-2021-34473
 * and CVE-2022-41040/41082 reached Exchange through /PowerShell); administrators
 * manage Exchange from inside, so it is published only when listed.
 */
export const UNPUBLISHED_BY_DEFAULT = cite(
  ["PowerShell"] as readonly ExchangeWebService[],
  "ProxyShell CVE-2021-34473, CVE-2022-41040/41082: remote PowerShell from outside is an attack path",
);

/** TCP keepalive to the servers: idle time, then `count` probes `interval` apart. */
export interface ServerKeepaliveTiming {
  readonly idle: Duration;
  readonly interval: Duration;
  readonly count: number;
}

/**
 * The SMTP, IMAP and POP VIPs' own connection limit, as a share of the load balancer's: a surge
 * of one (a relay storm, a misbehaving IMAP client) waits in its own listen queue instead of
 * taking every slot from Outlook and ActiveSync. No guide sets a per-VIP limit.
 */
export const MAIL_SHARE_SOURCE = "library default: no guide sets one";

/** Settings both guide families agree on. */
export const COMMON_DEFAULTS = {
  connectTimeout: cite(Duration.seconds(4), "001 §11 step 1: Connection Timeout 4000 ms"),
  httpRequestTimeout: cite(Duration.seconds(15), "003 §3.1: timeout http-request 15s"),
  balance: cite(BalanceMode.ROUND_ROBIN, "001 §11 step 2, 004 §11: Weighted Round Robin"),
  redispatch: cite(true, "001 §11 step 1: Redispatch"),
  retries: cite(3, "003 §3.1: retries 3"),
  serverWeight: cite(100, "001 §11 step 2: real server weight 100"),
  checkInterval: cite(Duration.seconds(1), "003 §3.1 IMAP/POP backends: inter 1s"),
  checkFastInterval: cite(Duration.millis(250), FAST_INTERVAL_SOURCE),
  checkTimeout: cite(Duration.seconds(4), CHECK_TIMEOUT_SOURCE),
  reloadGrace: cite(Duration.hours(1), RELOAD_GRACE_SOURCE),
  serverKeepalive: cite(
    { idle: Duration.seconds(60), interval: Duration.seconds(10), count: 3 },
    SERVER_KEEPALIVE_SOURCE,
  ),
  checkRise: cite(2, "003 §3.1 IMAP/POP backends: rise 2"),
  checkFall: cite(3, "003 §3.1 IMAP/POP backends: fall 3"),
  shutdownSessionsOnDown: {
    mailbox: cite(
      true,
      "003 §3.1 RPC, IMAP and POP backends: on-marked-down shutdown-sessions; 002 §2.2.3 drop connections on real server failure",
    ),
    requests: cite(false, KEEP_SESSIONS_SOURCE),
  },
  mailConnectionShare: cite(0.1, MAIL_SHARE_SOURCE),
  imap: { ports: cite([143, 993] as const, "001 §11 VIP3, 004 §11 VIP2: 143, 993") },
  pop: { ports: cite([110, 995] as const, "001 §11 VIP3 note, 004 §11 VIP2 note: 110, 995") },
};

/**
 * The defaults every Exchange version shares: those both guide families agree
 * on, and those no guide sets (check timeout, fast interval, reload grace,
 * idle and keep-alive timeouts of HTTPS), each with the reason it has.
 */
import { Duration } from "../core/duration";
import { BalanceMode } from "./balance-mode";
import { cite } from "./citation";

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
 * HTTPS and SMTP sessions end by themselves (a request, a message), and a server
 * taken out for maintenance answers healthcheck.htm with 503 (004 §12): cutting
 * its sessions then would disconnect every Outlook, phone and browser on it.
 */
const KEEP_SESSIONS_SOURCE =
  "003 §3.1: shutdown-sessions on the RPC, IMAP and POP backends only; 004 §12: maintenance drains through healthcheck.htm";
/**
 * Exchange holds an ActiveSync Direct Push request for up to 3,540 s (its default
 * maximum heartbeat); a load balancer that closes it earlier makes devices shorten
 * their heartbeat (battery, traffic, Event 1040). An hour is 001's value and above it.
 */
export const HTTPS_IDLE_SOURCE =
  "Microsoft KB 905013 and Event 1040: idle timeouts above ActiveSync's heartbeat (MaxHeartbeatInterval 3540 s); 001 §11 step 1: 1 h";

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
 * idle connection 120 s.
 */
export const KEEP_ALIVE_SOURCE =
  "IIS connectionTimeout default 120 s (Microsoft: system.applicationHost/sites/siteDefaults/limits)";

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
  checkRise: cite(2, "003 §3.1 IMAP/POP backends: rise 2"),
  checkFall: cite(3, "003 §3.1 IMAP/POP backends: fall 3"),
  shutdownSessionsOnDown: {
    mailbox: cite(
      true,
      "003 §3.1 RPC, IMAP and POP backends: on-marked-down shutdown-sessions; 002 §2.2.3 drop connections on real server failure",
    ),
    requests: cite(false, KEEP_SESSIONS_SOURCE),
  },
  imap: { ports: cite([143, 993] as const, "001 §11 VIP3, 004 §11 VIP2: 143, 993") },
  pop: { ports: cite([110, 995] as const, "001 §11 VIP3 note, 004 §11 VIP2 note: 110, 995") },
};

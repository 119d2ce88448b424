/**
 * Real Exchange stand-ins, one set per Client Access namespace: nginx with TLS
 * serving the Exchange virtual directories and their healthcheck.htm, Postfix
 * delivering a test domain to a maildir, Dovecot serving IMAP and POP3 for a
 * test user, and listeners on 135 and the two static RPC ports.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import {
  MAIL_DOMAIN,
  MAIL_ID,
  MAIL_USER,
  nginxExchangeLocations,
} from "../examples/aws-lab/exchange-stand-in";
import { HOSTS, HostName } from "./topology";
import { inNs, sh } from "./shell";

export { MAIL_DOMAIN, MAIL_USER };

export const LAB_DIR = process.env.EXCHANGE_LAB_DIR ?? "/run/exchange-lab";
export const MAIL_PASSWORD = "lab-password";
export const RPC_PORTS = [135, 60200, 60201] as const;

export type ServerName = "cas1" | "cas2" | "ht";

export interface ServerHost {
  readonly key: ServerName;
  /** The guides' label, e.g. CAS1. */
  readonly label: string;
  readonly address: string;
  readonly ns: string;
  readonly dir: string;
  /** Which services this host runs. */
  readonly roles: readonly ("web" | "mail" | "rpc" | "smtp")[];
}

export function serverHost(key: ServerName): ServerHost {
  const host = HOSTS[key as HostName];
  return {
    key,
    label: key.toUpperCase().replace("HT", "HT1"),
    address: host.addresses[0],
    ns: host.ns,
    dir: join(LAB_DIR, key),
    roles: key === "ht" ? ["smtp"] : ["web", "mail", "rpc", "smtp"],
  };
}

export const SERVERS: readonly ServerHost[] = (["cas1", "cas2", "ht"] as const).map(serverHost);

function write(path: string, content: string, mode = 0o644): void {
  mkdirSync(resolve(path, ".."), { recursive: true });
  writeFileSync(path, content, { mode });
}

/** A self-signed certificate for mail.lab.test, shared by nginx and Dovecot. */
export function createCertificate(): { cert: string; key: string } {
  return selfSignedCertificate(join(LAB_DIR, "tls"), "mail.lab.test");
}

/** A new key and a self-signed certificate for `host` in `dir`, readable by the servers. */
export function selfSignedCertificate(dir: string, host: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  mkdirSync(dir, { recursive: true });
  sh([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=${host}`,
    "-addext",
    `subjectAltName=DNS:${host}`,
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  sh(["chmod", "0644", cert, key]);
  return { cert, key };
}

/** Starts a long-running process inside a namespace, detached, its output in a log. */
export function startDetached(ns: string, cmd: string[], log: string): number {
  const fd = openSync(log, "a");
  const child = spawn("ip", ["netns", "exec", ns, ...cmd], {
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  child.unref();
  return child.pid!;
}

// ---- nginx: the HTTP(S) virtual directories --------------------------------------------------

/** The web server's access log: `<connection> <X-Lab-Client> <uri>` per request. */
export function accessLog(host: ServerHost): string {
  return join(host.dir, "web", "access.log");
}

/** The flag that makes `/<vdir>/healthcheck.htm` answer 503; `vdir` in the case the check asks. */
export function inactiveFlag(host: ServerHost, vdir: string): string {
  return join(host.dir, "web", `${vdir}.inactive`);
}

/**
 * The flag that makes `/<vdir>/healthcheck.htm` answer through the slow
 * responder (`lab/tools/slow-http.js` on SLOW_RESPONDER_PORT in the host's
 * namespace), as a recycling app pool or a busy server answers.
 */
export function slowFlag(host: ServerHost, vdir: string): string {
  return join(host.dir, "web", `${vdir}.slow`);
}

export const SLOW_RESPONDER_PORT = 8099;

/** nginx on `host` presents `tls` to new connections from now on (a reload). */
export function serveWebCertificate(host: ServerHost, tls: { cert: string; key: string }): void {
  const web = join(host.dir, "web");
  write(join(web, "nginx.conf"), nginxConfig(host, tls));
  inNs(host.ns, ["nginx", "-c", join(web, "nginx.conf"), "-p", web, "-s", "reload"], {
    log: join(web, "control.log"),
  });
}

function nginxConfig(host: ServerHost, tls: { cert: string; key: string }): string {
  const d = join(host.dir, "web");
  return `daemon on;
pid ${d}/nginx.pid;
error_log ${d}/error.log;
worker_processes 1;
# The benchmark holds about 9,900 connections to one server (the sandbox's 20,000 files).
worker_rlimit_nofile 20000;
events { worker_connections 12288; }
http {
    # Which server connection served which lab client: the HTTPS scenarios check reuse.
    log_format lab '$connection $http_x_lab_client $uri';
    access_log ${d}/access.log lab;
    # Room for a 64,000-byte Negotiate header (MaxTokenSize 48,000): the load balancer is the limit tested.
    large_client_header_buffers 4 64k;
    default_type text/plain;
    keepalive_timeout 65s;
    client_body_temp_path ${d}/tmp/body;
    proxy_temp_path ${d}/tmp/proxy;
    fastcgi_temp_path ${d}/tmp/fastcgi;
    uwsgi_temp_path ${d}/tmp/uwsgi;
    scgi_temp_path ${d}/tmp/scgi;
    server {
        listen ${host.address}:80 backlog=8192;
        listen ${host.address}:443 ssl backlog=8192;
        ssl_certificate ${tls.cert};
        ssl_certificate_key ${tls.key};
${nginxExchangeLocations({ label: host.label, flagDir: d, slowResponderPort: SLOW_RESPONDER_PORT })}
    }
}
`;
}

// ---- Postfix: SMTP delivering lab.test to a maildir ------------------------------------------

export function postfixDir(host: ServerHost): string {
  return join(host.dir, "postfix");
}

export function maildir(host: ServerHost): string {
  return join(host.dir, "mail", MAIL_USER);
}

function postfixMain(host: ServerHost, tls: { cert: string; key: string }): string {
  const d = postfixDir(host);
  return `compatibility_level = 3.6
queue_directory = ${d}/spool
data_directory = ${d}/data
myhostname = ${host.key}.${MAIL_DOMAIN}
mydomain = ${MAIL_DOMAIN}
inet_interfaces = ${host.address}
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = no
smtpd_banner = $myhostname ESMTP ${host.label}
smtpd_relay_restrictions = reject_unauth_destination
virtual_mailbox_domains = ${MAIL_DOMAIN}
virtual_mailbox_base = ${host.dir}/mail
virtual_mailbox_maps = static:${MAIL_USER}/
virtual_uid_maps = static:${MAIL_ID}
virtual_gid_maps = static:${MAIL_ID}
virtual_minimum_uid = 100
# STARTTLS offered on 25 and on submission 587, with the lab certificate: the load balancer
# passes it through untouched.
smtpd_tls_cert_file = ${tls.cert}
smtpd_tls_key_file = ${tls.key}
smtpd_tls_security_level = may
maillog_file = ${d}/maillog
maillog_file_prefixes = ${LAB_DIR}
smtpd_client_connection_rate_limit = 0
default_process_limit = 200
`;
}

const POSTFIX_MASTER = `smtp      inet  n       -       n       -       -       smtpd
submission inet n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

/**
 * Holds accepted mail in the queue (`defer_transports = virtual`), or releases
 * and flushes it. A 250 still means "safely queued"; holding delivery keeps
 * `postfix stop` from killing a delivery agent between writing the maildir file
 * and recording it, which Postfix would repeat after the restart (at-least-once).
 */
export function holdDelivery(host: ServerHost, hold: boolean): void {
  const dir = postfixDir(host);
  sh(["postconf", "-c", dir, "-e", `defer_transports = ${hold ? "virtual" : ""}`]);
  inNs(host.ns, ["postfix", "-c", dir, "reload"], { log: join(dir, "control.log") });
  if (!hold) inNs(host.ns, ["postqueue", "-c", dir, "-f"], { log: join(dir, "control.log") });
}

/** Postfix refuses a config directory the default main.cf does not list. */
function allowPostfixConfigDir(dir: string): void {
  const current = sh(["postconf", "-h", "alternate_config_directories"]).stdout.trim();
  const dirs = current.split(/[\s,]+/).filter(Boolean);
  if (!dirs.includes(dir)) {
    sh(["postconf", "-e", `alternate_config_directories = ${[...dirs, dir].join(" ")}`]);
  }
}

/** Starts or stops one Postfix instance; starting a running one is a no-op. */
export function postfix(host: ServerHost, action: "start" | "stop"): void {
  const running = inNs(host.ns, ["postfix", "-c", postfixDir(host), "status"], {
    allowFailure: true,
    log: join(postfixDir(host), "control.log"),
  });
  if ((running.status === 0) === (action === "start")) return;
  inNs(host.ns, ["postfix", "-c", postfixDir(host), action], {
    allowFailure: action === "stop",
    log: join(postfixDir(host), "control.log"),
  });
}

// ---- Dovecot: IMAP and POP3 for the test user ------------------------------------------------

function dovecotConfig(host: ServerHost, tls: { cert: string; key: string }): string {
  const d = join(host.dir, "dovecot");
  return `instance_name = dovecot-${host.key}
base_dir = ${d}/run
state_dir = ${d}/state
log_path = ${d}/dovecot.log
protocols = imap pop3
listen = ${host.address}
login_greeting = ${host.label} Dovecot ready.
ssl = yes
ssl_cert = <${tls.cert}
ssl_key = <${tls.key}
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:${maildir(host)}
first_valid_uid = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${d}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_ID} gid=${MAIL_ID} home=${maildir(host)}
}
protocol pop3 {
  pop3_uidl_format = %08Xu%08Xv
}
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
}
`;
}

const DOVECOT_PORTS = [110, 143, 993, 995] as const;

/**
 * The Dovecot ports the host still listens on. A stop is complete when none
 * is left: a login process still exiting with an inherited listener would let
 * the kernel accept connections that are then reset.
 */
export function dovecotListening(host: ServerHost): number[] {
  const listening = inNs(host.ns, ["ss", "-ltnH"]).stdout;
  return DOVECOT_PORTS.filter((port) => listening.includes(`${host.address}:${port} `));
}

export function dovecot(host: ServerHost, action: "start" | "stop"): void {
  const conf = join(host.dir, "dovecot", "dovecot.conf");
  inNs(host.ns, action === "start" ? ["dovecot", "-c", conf] : ["dovecot", "-c", conf, "stop"], {
    allowFailure: action === "stop",
    log: join(host.dir, "dovecot", "control.log"),
  });
}

// ---- RPC listeners -----------------------------------------------------------------------------

const RPC_LISTENER = resolve(__dirname, "tools", "rpc-listener.js");

function rpcPidFile(host: ServerHost, port: number): string {
  return join(host.dir, "rpc", `${port}.pid`);
}

export function rpcListener(host: ServerHost, port: number, action: "start" | "stop"): void {
  const pidFile = rpcPidFile(host, port);
  if (action === "start") {
    const pid = startDetached(
      host.ns,
      [process.execPath, RPC_LISTENER, host.label, host.address, String(port)],
      join(host.dir, "rpc", `${port}.log`),
    );
    writeFileSync(pidFile, String(pid));
    return;
  }
  if (!existsSync(pidFile)) return;
  // The recorded pid is `ip netns exec`, which execs node: the same process.
  sh(["kill", readFileSync(pidFile, "utf8").trim()], { allowFailure: true });
  rmSync(pidFile);
}

// ---- All of it ---------------------------------------------------------------------------------

export function startServers(): void {
  const tls = createCertificate();
  for (const host of SERVERS) {
    rmSync(host.dir, { recursive: true, force: true });
    if (host.roles.includes("web")) {
      const web = join(host.dir, "web");
      mkdirSync(join(web, "tmp"), { recursive: true });
      write(join(web, "nginx.conf"), nginxConfig(host, tls));
      inNs(host.ns, ["nginx", "-c", join(web, "nginx.conf"), "-p", web], {
        log: join(web, "control.log"),
      });
    }
    if (host.roles.includes("smtp")) {
      const dir = postfixDir(host);
      write(join(dir, "main.cf"), postfixMain(host, tls));
      write(join(dir, "master.cf"), POSTFIX_MASTER);
      mkdirSync(join(host.dir, "mail"), { recursive: true });
      sh(["chown", `${MAIL_ID}:${MAIL_ID}`, join(host.dir, "mail")]);
      mkdirSync(join(dir, "spool"), { recursive: true });
      mkdirSync(join(dir, "data"), { recursive: true });
      sh(["chown", "postfix", join(dir, "data")]);
      allowPostfixConfigDir(dir);
      postfix(host, "start");
    }
    if (host.roles.includes("mail")) {
      const dir = join(host.dir, "dovecot");
      write(join(dir, "dovecot.conf"), dovecotConfig(host, tls));
      write(join(dir, "passwd"), `${MAIL_USER}:{PLAIN}${MAIL_PASSWORD}::::::\n`, 0o644);
      dovecot(host, "start");
    }
    if (host.roles.includes("rpc")) {
      mkdirSync(join(host.dir, "rpc"), { recursive: true });
      for (const port of RPC_PORTS) rpcListener(host, port, "start");
    }
  }
}

/** Messages in a host's maildir (new and cur). */
export function maildirMessages(host: ServerHost): string[] {
  const files: string[] = [];
  for (const sub of ["new", "cur"]) {
    const dir = join(maildir(host), sub);
    if (existsSync(dir)) files.push(...readdirSync(dir).map((f) => join(dir, f)));
  }
  return files;
}

/** Removes the Postfix config directories the lab added to the system main.cf. */
export function forgetPostfixConfigDirs(): void {
  const current = sh(["postconf", "-h", "alternate_config_directories"], {
    allowFailure: true,
  }).stdout.trim();
  const kept = current.split(/[\s,]+/).filter((d) => d && !d.startsWith(LAB_DIR));
  if (kept.length !== current.split(/[\s,]+/).filter(Boolean).length) {
    sh(["postconf", "-e", `alternate_config_directories = ${kept.join(" ")}`]);
  }
}

/**
 * The cloud-config of an AWS lab's Exchange stand-in (a plain Debian 13
 * instance): nginx serving the virtual directories and their healthcheck.htm
 * (exchange-stand-in.ts, as the local lab's servers do), Postfix on 25 and 587,
 * Dovecot with IMAP (143, 993) and POP3 (110, 995). Its settings and config
 * files are written first; files/stand-in-setup.sh runs after the packages are
 * installed and makes the self-signed certificate there, so no key is in the
 * user-data.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudConfigFile, renderCloudConfig } from "../../lib/cloud-init/cloud-config";
import { MAIL_DOMAIN, MAIL_ID, MAIL_USER, nginxExchangeLocations } from "./exchange-stand-in";

/** Every path on a stand-in, once. */
export const STAND_IN_PATHS = {
  CONFIG_DIR: "/etc/exchange-stand-in",
  TLS_DIR: "/etc/exchange-stand-in/tls",
  /** `<vdir>.inactive` here makes `/<vdir>/healthcheck.htm` answer 503 (a drained server). */
  FLAG_DIR: "/var/lib/exchange-stand-in",
  MAIL_DIR: "/var/mail/exchange-stand-in",
  SETUP_PROGRAM: "/usr/local/sbin/exchange-stand-in-setup",
} as const;

/** Debian 13's packages (the setup needs openssl too, which ca-certificates brings). */
export const STAND_IN_PACKAGES = ["nginx", "postfix", "dovecot-imapd", "dovecot-pop3d", "openssl"];

export interface StandInServer {
  /** The load balancer's name of it: EX1. */
  readonly name: string;
  /** The namespace its certificate names (the load balancer's `namespace`). */
  readonly namespace: string;
}

const P = STAND_IN_PATHS;
const CERT = `${P.TLS_DIR}/cert.pem`;
const KEY = `${P.TLS_DIR}/key.pem`;

function settings(server: StandInServer): string {
  return [
    `NAMESPACE="${server.namespace}"`,
    `TLS_DIR="${P.TLS_DIR}"`,
    `FLAG_DIR="${P.FLAG_DIR}"`,
    `MAIL_DIR="${P.MAIL_DIR}"`,
    `MAIL_ID="${MAIL_ID}"`,
    "",
  ].join("\n");
}

function nginxSite(server: StandInServer): string {
  return `server {
    listen 80;
    listen 443 ssl;
    ssl_certificate ${CERT};
    ssl_certificate_key ${KEY};
    default_type text/plain;
    # Room for a 64,000-byte Negotiate header (MaxTokenSize 48,000), as Exchange takes it.
    large_client_header_buffers 4 64k;
${nginxExchangeLocations({ label: server.name, flagDir: P.FLAG_DIR }).replace(/^ {4}/gm, "")}
}
`;
}

/** `postconf -e` lines: mail for the lab domain into one maildir, STARTTLS with the boot's certificate. */
function postfixSettings(server: StandInServer): string {
  return [
    `myhostname = ${server.name.toLowerCase()}.${MAIL_DOMAIN}`,
    `smtpd_banner = $myhostname ESMTP ${server.name}`,
    "mydestination =",
    "smtpd_relay_restrictions = reject_unauth_destination",
    `virtual_mailbox_domains = ${MAIL_DOMAIN}`,
    `virtual_mailbox_base = ${P.MAIL_DIR}`,
    `virtual_mailbox_maps = static:${MAIL_USER}/`,
    `virtual_uid_maps = static:${MAIL_ID}`,
    `virtual_gid_maps = static:${MAIL_ID}`,
    "virtual_minimum_uid = 100",
    `smtpd_tls_cert_file = ${CERT}`,
    `smtpd_tls_key_file = ${KEY}`,
    "smtpd_tls_security_level = may",
    "",
  ].join("\n");
}

/**
 * Dovecot 2.4 (Debian 13) settings over Debian's: the Postfix maildir, any
 * password (a stand-in keeps no secret), cleartext login allowed on 143 and
 * 110 as the lab's clients use it.
 */
function dovecotSettings(server: StandInServer): string {
  const home = `${P.MAIL_DIR}/%{user | username}`;
  return `login_greeting = ${server.name} Dovecot ready.
auth_allow_cleartext = yes
ssl_server_cert_file = ${CERT}
ssl_server_key_file = ${KEY}
mail_driver = maildir
mail_path = ${home}
# Debian's default puts INBOX in /var/mail as mbox; here it is the maildir Postfix delivers to.
mail_inbox_path = ${home}
passdb static {
  fields {
    nopassword = yes
  }
}
userdb static {
  fields {
    uid = ${MAIL_ID}
    gid = ${MAIL_ID}
    home = ${home}
  }
}
`;
}

export const SETUP_SCRIPT = join(__dirname, "files", "stand-in-setup.sh");

/** The user-data of one stand-in, exactly as the instance boots with it. */
export function standInUserData(server: StandInServer): string {
  const file = (path: string, content: string): CloudConfigFile => ({
    path,
    permissions: "0644",
    content,
  });
  return renderCloudConfig({
    comment: `Exchange stand-in ${server.name} (examples/aws-lab): nginx, Postfix, Dovecot`,
    packages: STAND_IN_PACKAGES,
    files: [
      file(`${P.CONFIG_DIR}/settings`, settings(server)),
      file(`${P.CONFIG_DIR}/nginx.conf`, nginxSite(server)),
      file(`${P.CONFIG_DIR}/postfix-main.cf`, postfixSettings(server)),
      file(`${P.CONFIG_DIR}/dovecot.conf`, dovecotSettings(server)),
      { path: P.SETUP_PROGRAM, permissions: "0755", content: readFileSync(SETUP_SCRIPT, "utf8") },
    ],
    commands: [[P.SETUP_PROGRAM, P.CONFIG_DIR]],
  });
}

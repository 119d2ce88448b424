/**
 * The boot-time and daily fetch of terminating VIPs' certificate bundles with
 * the instance role's credentials, and its systemd units. Pure.
 */

export const CERTIFICATE_SCRIPT = "/usr/local/sbin/exchange-lb-certificates";
/** One line per bundle: `<path> <ssm|secretsmanager> <name or ARN>`; delivered with the config. */
export const CERTIFICATE_LIST_PATH = "/etc/exchange-lb/certificates";
export const CERTIFICATE_DIR = "/etc/haproxy/certs";
export const CERTIFICATE_UNIT = "exchange-lb-certificates";

export function renderCertificateList(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}

/** POSIX sh. EXCHANGE_LB_CERTIFICATES and EXCHANGE_LB_IMDS override paths, for tests. */
export const CERTIFICATE_SCRIPT_TEXT = String.raw`#!/bin/sh
# Fetches the TLS certificate bundles of terminating VIPs with the instance role
# (region from IMDSv2). Files are root-only; a bundle without a certificate and a
# private key is refused. Prints "changed" when a file changed.
#   exchange-lb-certificates            fetch (boot, config rollout)
#   exchange-lb-certificates --reload   fetch, and reload HAProxy if a file changed (daily timer)
# Generated; edit the construct, not this file.
set -u
LIST=$(printenv EXCHANGE_LB_CERTIFICATES || echo /etc/exchange-lb/certificates)
IMDS=$(printenv EXCHANGE_LB_IMDS || echo http://169.254.169.254)
[ -s "$LIST" ] || exit 0
umask 077

fail() {
  echo "exchange-lb-certificates: $*" >&2
  logger -t exchange-lb-certificates -- "$*" 2>/dev/null || true
  exit 1
}

token=$(curl -sSf --max-time 2 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$IMDS/latest/api/token") ||
  fail "no IMDSv2 token"
region=$(curl -sSf --max-time 2 -H "X-aws-ec2-metadata-token: $token" "$IMDS/latest/meta-data/placement/region") ||
  fail "no region from IMDSv2"

changed=0
while read -r path store id; do
  [ -n "$path" ] || continue
  mkdir -p "$(dirname "$path")"
  tmp="$path.new"
  case "$store" in
    ssm)
      aws ssm get-parameter --region "$region" --name "$id" --with-decryption \
        --query Parameter.Value --output text >"$tmp" || fail "could not read SSM parameter $id"
      ;;
    secretsmanager)
      aws secretsmanager get-secret-value --region "$region" --secret-id "$id" \
        --query SecretString --output text >"$tmp" || fail "could not read secret $id"
      ;;
    *)
      fail "unknown store $store for $path"
      ;;
  esac
  if ! grep -q "BEGIN CERTIFICATE" "$tmp" || ! grep -q "PRIVATE KEY" "$tmp"; then
    rm -f "$tmp"
    fail "$id is not a PEM bundle with a certificate and a private key"
  fi
  if cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
  else
    mv "$tmp" "$path"
    changed=1
  fi
done <"$LIST"

[ "$changed" = 1 ] || exit 0
echo changed
if [ $# -ge 1 ] && [ "$1" = --reload ]; then
  # Debian's reload checks the config (haproxy -c) before it signals the master.
  systemctl reload haproxy || fail "HAProxy refused the renewed certificate"
fi
`;

/** The daily renewal: certificates rotated in the store reach HAProxy by a seamless reload. */
export function certificateUnits(): { path: string; content: string }[] {
  return [
    {
      path: `/etc/systemd/system/${CERTIFICATE_UNIT}.service`,
      content: [
        "[Unit]",
        "Description=Fetch the Exchange VIPs' TLS certificates and reload HAProxy if they changed",
        "After=network-online.target haproxy.service",
        "",
        "[Service]",
        "Type=oneshot",
        `ExecStart=${CERTIFICATE_SCRIPT} --reload`,
        "",
      ].join("\n"),
    },
    {
      path: `/etc/systemd/system/${CERTIFICATE_UNIT}.timer`,
      content: [
        "[Unit]",
        "Description=Daily fetch of the Exchange VIPs' TLS certificates",
        "",
        "[Timer]",
        "OnCalendar=daily",
        "RandomizedDelaySec=1h",
        "Persistent=true",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
      ].join("\n"),
    },
  ];
}

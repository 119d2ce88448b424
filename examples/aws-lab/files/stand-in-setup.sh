#!/bin/sh
# The last boot step of an Exchange stand-in (examples/aws-lab), run by
# cloud-init after the packages are installed: a self-signed certificate made
# here (no key travels in user-data), then nginx, Postfix and Dovecot switched
# from Debian's defaults to the files the user-data wrote beside the settings.
set -eu

config="${1:?usage: exchange-stand-in-setup CONFIG_DIR}"
# NAMESPACE, TLS_DIR, FLAG_DIR, MAIL_DIR, MAIL_ID
# shellcheck source=/dev/null
. "$config/settings"

install -d -m 0700 "$TLS_DIR"
if [ ! -s "$TLS_DIR/key.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$NAMESPACE" \
    -addext "subjectAltName=DNS:$NAMESPACE" \
    -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
fi

# nginx: the virtual directories in place of Debian's default site.
rm -f /etc/nginx/sites-enabled/default
install -d -m 0755 "$FLAG_DIR"
ln -sf "$config/nginx.conf" /etc/nginx/conf.d/exchange-stand-in.conf

# Postfix: each line of postfix-main.cf over Debian's main.cf; submission (587) as on Exchange.
grep -v '^#' "$config/postfix-main.cf" | while IFS= read -r setting; do
  postconf -e "$setting"
done
postconf -M "submission/inet=submission inet n - y - - smtpd"
install -d -m 0700 -o "$MAIL_ID" -g "$MAIL_ID" "$MAIL_DIR"

# Dovecot reads local.conf last (Debian's dovecot.conf ends with !include_try local.conf).
ln -sf "$config/dovecot.conf" /etc/dovecot/local.conf

nginx -t
systemctl restart nginx postfix dovecot

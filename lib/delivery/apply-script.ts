/**
 * The script that applies a configuration delivered out of band (the SSM
 * document of `config-document.ts`) on a running instance: `haproxy -c` first;
 * a refused config changes nothing and fails the run with HAProxy's words, so
 * the association reports it; an accepted one is installed and HAProxy
 * reloaded seamlessly (`expose-fd listeners`), with VIP addresses added or
 * removed on the node that holds them and new listener ports reserved first.
 */

import { RESERVED_PORTS_PATH } from "./reserved-ports";

export const APPLY_SCRIPT = "/usr/local/sbin/exchange-lb-apply";
/** POSIX sh, Debian's dash. EXCHANGE_LB_ROOT prefixes every path, for tests. */
export const APPLY_SCRIPT_TEXT = String.raw`#!/bin/sh
# Exchange load balancer: applies haproxy.cfg and the VIP list delivered out of
# band, without a restart. Generated; edit the construct, not this file.
#   exchange-lb-apply STAGING_DIR   STAGING_DIR holds haproxy.cfg, vips, certificates
#                                   and reserved-ports.conf
# Exit 0: applied or unchanged. Exit 1: refused by haproxy -c (nothing changed)
# or the reload failed.
set -u
ROOT=$(printenv EXCHANGE_LB_ROOT || true)
CONFIG=$ROOT/etc/haproxy/haproxy.cfg
VIPS_FILE=$ROOT/etc/exchange-lb/vips
PAIR_CONF=$ROOT/etc/exchange-lb/failover.conf
PIDFILE=$ROOT/run/haproxy.pid
STATE=$ROOT/var/lib/exchange-lb
stage=$1

log() {
  echo "exchange-lb-apply: $*" >&2
  logger -t exchange-lb-apply -- "$*" 2>/dev/null || true
  echo "$(date +%s.%N) $*" >>"$STATE/history.log"
}

mkdir -p "$STATE/refused"
sum=$(sha256sum "$stage/haproxy.cfg" | cut -c1-12)

# Certificates first: the new config may name a bundle that is not here yet.
CERTS=$ROOT/etc/exchange-lb/certificates
if [ -f "$stage/certificates" ] && ! cmp -s "$stage/certificates" "$CERTS"; then
  cp "$CERTS" "$CERTS.previous" 2>/dev/null || : >"$CERTS.previous"
  cp "$stage/certificates" "$CERTS"
  if ! EXCHANGE_LB_CERTIFICATES="$CERTS" exchange-lb-certificates; then
    mv "$CERTS.previous" "$CERTS"
    log "refused $sum: a certificate could not be fetched; the running configuration is unchanged"
    exit 1
  fi
fi

# A pair node names itself in the peers section with -L (from /etc/default/haproxy).
peer=$(sed -n 's/.*-L \([A-Za-z0-9._-]*\).*/\1/p' "$ROOT/etc/default/haproxy" 2>/dev/null | head -n 1)
if [ -n "$peer" ]; then
  report=$(haproxy -c -L "$peer" -f "$stage/haproxy.cfg" 2>&1)
else
  report=$(haproxy -c -f "$stage/haproxy.cfg" 2>&1)
fi
status=$?
if [ "$status" -ne 0 ]; then
  cp "$stage/haproxy.cfg" "$STATE/refused/haproxy.cfg.$sum"
  log "refused $sum: haproxy -c failed; the running configuration is unchanged"
  echo "$report" >&2
  exit 1
fi

# Reserve new listener ports before the reload binds them.
RESERVED=$ROOT${RESERVED_PORTS_PATH}
if [ -f "$stage/reserved-ports.conf" ] && ! cmp -s "$stage/reserved-ports.conf" "$RESERVED"; then
  mkdir -p "$(dirname "$RESERVED")"
  cp "$stage/reserved-ports.conf" "$RESERVED"
  sysctl -q -p "$RESERVED" || log "reserving the listener ports failed"
fi

if cmp -s "$stage/haproxy.cfg" "$CONFIG" && cmp -s "$stage/vips" "$VIPS_FILE"; then
  echo "exchange-lb-apply: $sum unchanged"
  exit 0
fi

old_vips=$(cat "$VIPS_FILE" 2>/dev/null || true)
new_vips=$(cat "$stage/vips")
cp "$CONFIG" "$STATE/haproxy.cfg.previous" 2>/dev/null || true
cp "$stage/haproxy.cfg" "$CONFIG.new" && mv "$CONFIG.new" "$CONFIG"
cp "$stage/vips" "$VIPS_FILE.new" && mv "$VIPS_FILE.new" "$VIPS_FILE"

# VIP addresses. A dropped one leaves whichever interface holds it.
for vip in $old_vips; do
  case " $(echo "$new_vips" | tr '\n' ' ') " in
    *" $vip "*) ;;
    *)
      dev=$(ip -4 -o address show to "$vip/32" | awk '{ print $2; exit }')
      [ -z "$dev" ] || ip address del "$vip/32" dev "$dev"
      ;;
  esac
done
if [ -z "$new_vips" ]; then
  :
elif [ -f "$PAIR_CONF" ]; then
  # A pair's VIPs are the master's: the failover script claims them again if this node is.
  exchange-lb-failover reclaim || log "claiming the new VIP list failed"
else
  # The interface of the default route, as at boot (exchange-vip-addresses).
  dev=$(ip -4 route show default | awk '{ print $5; exit }')
  for vip in $new_vips; do ip address replace "$vip/32" dev "$dev"; done
fi

# Seamless reload: the master-worker starts new workers that take over the
# listening sockets (expose-fd listeners); old workers finish their sessions.
if [ -d /run/systemd/system ] && [ -z "$ROOT" ]; then
  systemctl reload haproxy
else
  kill -USR2 "$(cat "$PIDFILE")"
fi
status=$?
if [ "$status" -ne 0 ]; then
  log "applied $sum but the reload failed (exit $status)"
  exit 1
fi
log "applied $sum"
`;

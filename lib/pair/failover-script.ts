/**
 * The failover script of the clustered pair and its per-node settings. On AWS
 * there is no shared layer 2 for a gratuitous ARP to move a VIP (001 appendix 6
 * assumes one), so the master claims the VIPs through the AWS API: the script
 * reads keepalived's state changes in order from its FIFO and, on MASTER,
 * calls the AWS CLI with credentials of the instance role (IMDSv2).
 */

import { VIP_LIST_PATH } from "../delivery/vip-list";

export const FAILOVER_SCRIPT = "/usr/local/sbin/exchange-lb-failover";
export const FAILOVER_CONFIG_PATH = "/etc/exchange-lb/failover.conf";
/** FIFO, current state and an event log: `<epoch seconds> <state> <outcome>` per line. */
export const RUN_DIR = "/run/exchange-lb";
/** Debian's haproxy.service writes the master-worker's pid here. */
export const HAPROXY_PIDFILE = "/run/haproxy.pid";

/** How the master claims the VIPs; `local-only` adds them to the interface alone (lab, shared layer 2). */
export type PlacementKind = "secondary-ip" | "route-table" | "elastic-ip" | "local-only";

export interface FailoverSettings {
  readonly placement: PlacementKind;
  /** This node's primary private address; its interface carries the VIPs. */
  readonly nodeAddress: string;
  /** Route tables whose `<vip>/32` routes point at the master (`route-table`). */
  readonly routeTableIds?: readonly string[];
  /** The Elastic IP's allocation id (`elastic-ip`). */
  readonly allocationId?: string;
}

/** failover.conf, sourced by the script: plain shell assignments. */
export function renderFailoverConfig(settings: FailoverSettings): string {
  const value = (text: string) => {
    if (!/^[A-Za-z0-9.:/_ -]*$/.test(text)) throw new Error(`unsafe failover setting: ${text}`);
    return `"${text}"`;
  };
  return [
    "# Exchange load balancer pair: how this node claims the VIPs. Generated; edit the construct.",
    `PLACEMENT=${value(settings.placement)}`,
    `NODE_ADDRESS=${value(settings.nodeAddress)}`,
    "# Addresses the master puts on its interface, one a line (none for an Elastic IP).",
    `VIPS_FILE=${value(VIP_LIST_PATH)}`,
    `ROUTE_TABLES=${value((settings.routeTableIds ?? []).join(" "))}`,
    `ALLOCATION_ID=${value(settings.allocationId ?? "")}`,
    `HAPROXY_PIDFILE=${value(HAPROXY_PIDFILE)}`,
    `RUN_DIR=${value(RUN_DIR)}`,
    `IMDS=${value("http://169.254.169.254")}`,
    "# Seconds to wait at start-up for the unicast source address.",
    `PRESTART_WAIT=${value("120")}`,
    "",
  ].join("\n");
}

/** The script itself; identical on both nodes. POSIX sh, Debian's dash. */
export const FAILOVER_SCRIPT_TEXT = String.raw`#!/bin/sh
# Exchange load balancer pair: takes the VIPs when keepalived makes this node
# master. Generated; edit the construct, not this file.
#   exchange-lb-failover fifo FIFO     keepalived's vrrp_notify_fifo_script: one event a line, in order
#   exchange-lb-failover event STATE   one event: MASTER, MASTER_RX_LOWER_PRI, BACKUP, FAULT or STOP
#   exchange-lb-failover reclaim       the apply script, after a new VIP list: claims again if master
#   exchange-lb-failover check         keepalived's vrrp_script: succeeds while HAProxy runs
#   exchange-lb-failover prestart      before keepalived: wait for the unicast source address
set -u
# EXCHANGE_LB_FAILOVER_CONF: another settings file, for tests.
CONF=$(printenv EXCHANGE_LB_FAILOVER_CONF || echo /etc/exchange-lb/failover.conf)
# shellcheck source=/dev/null
. "$CONF"
RUN=$RUN_DIR
# One handler at a time: keepalived's events and the apply script's reclaim.
LOCK=$RUN/event.lock
# Read at each event: the apply script may have delivered a new list.
VIPS=""
if [ -r "$VIPS_FILE" ]; then VIPS=$(tr '\n' ' ' <"$VIPS_FILE"); fi

log() {
  echo "exchange-lb-failover: $*" >&2
  logger -t exchange-lb-failover -- "$*" 2>/dev/null || true
}

record() {
  echo "$(date +%s.%N) $1 $2" >>"$RUN/events.log"
}

interface() {
  ip -4 -o address show to "$NODE_ADDRESS/32" | awk '{ print $2; exit }'
}

# Retries an AWS call: the API throttles, and a claim must not give up on one error.
retry() {
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 3 ]; then
      log "failed 3 times: $*"
      return 1
    fi
    sleep 1
  done
}

imds() {
  curl -sSf --max-time 2 -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/$1"
}

# This node's interface id, region and primary address from IMDSv2.
identity() {
  TOKEN=$(curl -sSf --max-time 2 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$IMDS/latest/api/token") &&
    MAC=$(imds mac) &&
    ENI=$(imds "network/interfaces/macs/$MAC/interface-id") &&
    REGION=$(imds placement/region) &&
    PRIMARY=$(imds local-ipv4)
}

claim_aws() {
  [ "$PLACEMENT" = local-only ] && return 0
  retry identity || return 1
  case "$PLACEMENT" in
    secondary-ip)
      # shellcheck disable=SC2086 # one argument per VIP
      retry aws ec2 assign-private-ip-addresses --region "$REGION" --network-interface-id "$ENI" \
        --allow-reassignment --private-ip-addresses $VIPS
      ;;
    route-table)
      ok=0
      for table in $ROUTE_TABLES; do
        for vip in $VIPS; do
          retry aws ec2 replace-route --region "$REGION" --route-table-id "$table" \
            --destination-cidr-block "$vip/32" --network-interface-id "$ENI" || ok=1
        done
      done
      return "$ok"
      ;;
    elastic-ip)
      retry aws ec2 associate-address --region "$REGION" --allocation-id "$ALLOCATION_ID" \
        --network-interface-id "$ENI" --private-ip-address "$PRIMARY" --allow-reassociation
      ;;
    *)
      log "unknown PLACEMENT $PLACEMENT"
      return 1
      ;;
  esac
}

claim() {
  dev=$(interface)
  ok=0
  claim_aws || ok=1
  for vip in $VIPS; do
    ip address replace "$vip/32" dev "$dev" || ok=1
    # Neighbours on a shared segment learn the new owner at once (the lab; harmless on AWS).
    arping -q -U -c 2 -w 2 -I "$dev" "$vip" >/dev/null 2>&1 || true
  done
  return "$ok"
}

# No AWS call: the new master claims with reassignment, and two nodes must never race to remove.
release() {
  dev=$(interface)
  for vip in $VIPS; do
    ip address del "$vip/32" dev "$dev" 2>/dev/null || true
  done
}

event() {
  # The VRRP state: a master that saw a lower-priority advert is still master.
  case "$1" in
    MASTER_RX_LOWER_PRI) echo MASTER >"$RUN/state" ;;
    *) echo "$1" >"$RUN/state" ;;
  esac
  case "$1" in
    MASTER | MASTER_RX_LOWER_PRI)
      if claim; then outcome=claimed; else outcome=claim-failed; fi
      ;;
    BACKUP | FAULT | STOP)
      release
      outcome=released
      ;;
    *)
      outcome=ignored
      ;;
  esac
  record "$1" "$outcome"
  log "$1: $outcome"
  [ "$outcome" != claim-failed ]
}

mkdir -p "$RUN"
[ $# -ge 1 ] || set -- usage
case "$1" in
  fifo)
    # keepalived writes: INSTANCE "exchange" MASTER 150
    while read -r _kind _name state _priority; do
      { flock 9 && event "$state"; } 9>"$LOCK" || true
    done <"$2"
    ;;
  event)
    { flock 9 && event "$2"; } 9>"$LOCK"
    ;;
  reclaim)
    # Under the lock, so a transition that lands meanwhile is handled after it, never before.
    {
      flock 9 || exit 1
      [ "$(cat "$RUN/state" 2>/dev/null)" = MASTER ] || exit 0
      if claim; then outcome=claimed; else outcome=claim-failed; fi
      record RECLAIM "$outcome"
      [ "$outcome" = claimed ]
    } 9>"$LOCK"
    ;;
  check)
    pid=$(cat "$HAPROXY_PIDFILE" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
    ;;
  prestart)
    waited=0
    until [ -n "$(interface)" ]; do
      if [ "$waited" -ge "$PRESTART_WAIT" ]; then
        log "no interface holds $NODE_ADDRESS after $PRESTART_WAIT s"
        exit 1
      fi
      sleep 1
      waited=$((waited + 1))
    done
    echo "\$INTERFACE=$(interface)" >"$RUN/keepalived-interface.conf"
    record PRESTART "waited-$waited"
    ;;
  *)
    echo "usage: $0 fifo FIFO | event STATE | reclaim | check | prestart" >&2
    exit 2
    ;;
esac
`;

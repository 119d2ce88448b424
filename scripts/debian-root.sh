#!/usr/bin/env bash
# Builds a small Debian root of another release with the tools the tests check
# output with (HAProxy, keepalived, cloud-init, journalctl), cached between runs and keyed
# by release and package list. These machines run Debian 12; Debian 13's
# packages come from the same mirror.
#
#   scripts/debian-root.sh 13   -> /var/cache/exchange-lb-cdktf/debian-13/
#     root/              the release's root (mmdebstrap, minbase, with its package lists)
#     bin/haproxy        its HAProxy, run on this host against the release's own libraries
#     bin/keepalived     its keepalived, likewise
#     bin/journalctl     its journalctl, likewise (the logs program's test reads journal files with it)
#     bin/cloud-init     its cloud-init, inside the root (chroot); file arguments are copied in
#
# HAProxy and keepalived are copies with their ELF interpreter and RPATH set to
# the root's (patchelf), so they read host paths like the host's own binaries
# and HAProxy's master can re-execute itself on reload.
set -euo pipefail

release="${1:?usage: debian-root.sh <release number, e.g. 13>}"
case "$release" in
  13) suite=trixie ;;
  *) echo "debian-root.sh: no suite known for Debian $release" >&2; exit 2 ;;
esac
cache="${EXCHANGE_LB_CACHE:-/var/cache/exchange-lb-cdktf}"
packages="haproxy,keepalived,cloud-init,ca-certificates,systemd"
key="$(printf '%s %s v2' "$suite" "$packages" | sha256sum | cut -c1-12)"
target="$cache/debian-$release-$key"
link="$cache/debian-$release"

missing=()
if [ ! -e "$target/.complete" ]; then
  for tool in mmdebstrap patchelf; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  rm -rf "$target"
  mkdir -p "$target/bin" "$target/libexec"
  echo "== building the Debian $release ($suite) root in $target"
  # The package lists stay: the tests resolve the user-data's packages against them.
  mmdebstrap --quiet --variant=minbase --mode=root --include="$packages" --skip=cleanup/apt/lists \
    "$suite" "$target/root" http://deb.debian.org/debian
  root="$target/root"
  for program in /usr/sbin/haproxy /usr/sbin/keepalived /usr/bin/journalctl; do
    cp "$root$program" "$target/libexec/"
    # journalctl's code is mostly in systemd's own library directory.
    patchelf --set-interpreter "$root/usr/lib64/ld-linux-x86-64.so.2" --force-rpath \
      --set-rpath "$root/usr/lib/x86_64-linux-gnu/systemd:$root/usr/lib/x86_64-linux-gnu" \
      "$target/libexec/${program##*/}"
  done
  # keepalived 2.3 reads its build options from <its path>.config-opts.
  cp "$root/etc/keepalived/keepalived.config-opts" "$target/libexec/keepalived.config-opts"
  install -m 0755 "$(dirname "$0")/debian-root/run-patched" "$target/bin/haproxy"
  install -m 0755 "$(dirname "$0")/debian-root/run-patched" "$target/bin/keepalived"
  install -m 0755 "$(dirname "$0")/debian-root/run-patched" "$target/bin/journalctl"
  install -m 0755 "$(dirname "$0")/debian-root/cloud-init" "$target/bin/cloud-init"
  "$target/bin/haproxy" -v >/dev/null
  "$target/bin/keepalived" -v >/dev/null 2>&1
  "$target/bin/journalctl" --version >/dev/null
  touch "$target/.complete"
fi
ln -sfn "$target" "$link"
echo "$link"

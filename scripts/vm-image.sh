#!/usr/bin/env bash
# Builds the boot lab's Debian EC2-like disk image, cached between runs and keyed by
# release, package list and this script's image recipe (VM_IMAGE_RECIPE).
#
#   scripts/vm-image.sh 13   -> /var/cache/exchange-lb-cdktf/vm-13/
#     root.img            ext4 root file system (raw); each boot gets a qcow2 overlay on it
#     vmlinuz, initrd.img the release's cloud kernel and its initramfs (QEMU boots them directly)
#     ca.pem, ca.key      the lab CA: the image trusts it, the lab's AWS stand-ins present
#                         certificates it signs (as VPC interface endpoints with private DNS would
#                         present Amazon's)
#     packages            the image's installed packages and versions (dpkg-query)
#     root/               the same tree: the lab records the package mirror stand-in with its apt
#
# The package set follows Debian's official EC2 image (debian-cloud-images config_space:
# package_config SYSTEM_BOOT, CLOUD, EC2): systemd-networkd through netplan, systemd-resolved,
# cloud-init with cloud-guest-utils, the cloud kernel, unattended-upgrades, awscli and
# amazon-ec2-utils. Differences, all for the lab: qemu-guest-agent (the lab's console, as
# Session Manager would be), the lab CA, no boot loader (QEMU loads the kernel).
# shellcheck disable=SC2016 # mmdebstrap's hooks expand $1 (the root) themselves; dpkg-query its ${fields}
set -euo pipefail

release="${1:?usage: vm-image.sh <release number: 12 or 13>}"
case "$release" in
  # bookworm's cloud-init (22.4) generates its default en_US.UTF-8 unless the image names a system
  # locale, and Debian's locale-gen ignores the name it is given, so update-locale then fails
  # (canonical/cloud-init#4195; cloud-init 23.4 made C.UTF-8 the default). Debian's bookworm cloud
  # images name one: their untouched first boot has no locale error (same issue).
  12) suite=bookworm; system_locale=C.UTF-8 ;;
  13) suite=trixie; system_locale= ;;
  *) echo "vm-image.sh: no suite known for Debian $release" >&2; exit 2 ;;
esac
cache="${EXCHANGE_LB_CACHE:-/var/cache/exchange-lb-cdktf}"
packages="systemd-sysv,udev,dbus,libpam-systemd,polkitd,linux-image-cloud-amd64,initramfs-tools"
packages+=",cloud-init,cloud-guest-utils,netplan.io,systemd-resolved,unattended-upgrades"
packages+=",ca-certificates,awscli,amazon-ec2-utils,iproute2,iputils-ping,iptables,apt-utils"
packages+=",sudo,less,netbase,openssh-server,qemu-guest-agent"
recipe=2
key="$(printf '%s %s %s%s' "$suite" "$packages" "$recipe" "${system_locale:+ $system_locale}" | sha256sum | cut -c1-12)"
target="$cache/vm-$release-$key"
link="$cache/vm-$release"
mirror="http://deb.debian.org"

if [ ! -e "$target/.complete" ]; then
  missing=()
  for tool in mmdebstrap:mmdebstrap mkfs.ext4:e2fsprogs qemu-img:qemu-utils openssl:openssl; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool##*:}")
  done
  if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Older images of this release (another package list or recipe) go: each holds about 4 GB.
  rm -rf "$target" "$cache/vm-$release"-*
  mkdir -p "$target"
  root="$target/root"
  echo "== building the Debian $release ($suite) EC2-like image in $target"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Exchange LB lab CA" \
    -keyout "$target/ca.key" -out "$target/ca.pem" 2>/dev/null
  locale_hook=()
  [ -z "$system_locale" ] || locale_hook=(--customize-hook="echo LANG=$system_locale > \"\$1/etc/default/locale\"")
  # The three suites an EC2 image's apt reads: the release, its updates and security.
  mmdebstrap --quiet --variant=minbase --mode=root --include="$packages" \
    --customize-hook='echo "LABEL=lab-root / ext4 rw,discard,errors=remount-ro 0 1" > "$1/etc/fstab"' \
    --customize-hook="install -m 0644 '$target/ca.pem' \"\$1/usr/local/share/ca-certificates/exchange-lab-ca.crt\"" \
    --customize-hook='chroot "$1" update-ca-certificates >/dev/null' \
    --customize-hook=': > "$1/etc/machine-id"; rm -f "$1/var/lib/dbus/machine-id"' \
    --customize-hook='echo localhost > "$1/etc/hostname"' \
    "${locale_hook[@]}" \
    "$suite" "$root" \
    "deb $mirror/debian $suite main" \
    "deb $mirror/debian $suite-updates main" \
    "deb $mirror/debian-security $suite-security main"
  cp "$(readlink -f "$root/vmlinuz")" "$target/vmlinuz"
  cp "$(readlink -f "$root/initrd.img")" "$target/initrd.img"
  chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' >"$target/packages"
  mkfs.ext4 -q -L lab-root -d "$root" "$target/root.img" 3G
  touch "$target/.complete"
fi
ln -sfn "$target" "$link"
echo "$link"

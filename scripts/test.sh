#!/usr/bin/env bash
# The test command (README): installs what the tests need, then runs every check.
# Real tools, never mocks: HAProxy, keepalived and cloud-init from Debian 12 (this
# host) and from Debian 13 (scripts/debian-root.sh's cached root), Terraform.
# The library is checked on both frameworks: CDK for Terraform and CDK Terrain.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

# Debian package for each command the tests and the lab run.
declare -A packages=(
  [haproxy]=haproxy [cloud-init]=cloud-init [iptables]=iptables [ip]=iproute2 [ss]=iproute2
  [keepalived]=keepalived [arping]=iputils-arping [shellcheck]=shellcheck
  [socat]=socat [nginx]=nginx-light [postfix]=postfix [dovecot]=dovecot-core [swaks]=swaks [curl]=curl [openssl]=openssl
  [aws]=awscli [git]=git [jq]=jq
  [qemu-system-x86_64]=qemu-system-x86 [qemu-img]=qemu-utils [dnsmasq]=dnsmasq-base [ebtables]=iptables
)
missing=()
for command in "${!packages[@]}"; do
  command -v "$command" >/dev/null || missing+=("${packages[$command]}")
done
[ -e /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
[ -e /usr/lib/dovecot/pop3 ] || missing+=(dovecot-pop3d)
# The logs program's test writes real journal files for journalctl to read.
[ -e /usr/lib/systemd/systemd-journal-remote ] || missing+=(systemd-journal-remote)
# The AWS stand-in's tests run Debian's AWS CLI, the instances' own, whatever other `aws` is on PATH.
[ -x /usr/bin/aws ] || missing+=(awscli)
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
if ((${#missing[@]})); then
  echo "== installing ${missing[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v terraform >/dev/null || { echo "terraform is not on PATH; the escaping tests need it" >&2; exit 1; }
# Debian 13's HAProxy, keepalived and cloud-init: every check runs with both releases' tools,
# and the lab runs on Debian 13 by default.
echo "== Debian 13 root (scripts/debian-root.sh 13; built once, then cached)"
debian13="$(scripts/debian-root.sh 13 | tail -n 1)"
# The boot lab's disk image: Debian 13 as its EC2 image is, booted by QEMU (lab/vm/).
echo "== Debian 13 VM image (scripts/vm-image.sh 13; built once, then cached)"
scripts/vm-image.sh 13 | tail -n 1
echo "== Debian 12: $(haproxy -v | head -1)"
echo "== Debian 12: $(keepalived -v 2>&1 | head -1)"
echo "== Debian 12: cloud-init $(cloud-init --version 2>&1 | awk '{print $2}')"
echo "== Debian 13: $("$debian13/bin/haproxy" -v | head -1)"
echo "== Debian 13: $("$debian13/bin/keepalived" -v 2>&1 | head -1)"
echo "== Debian 13: cloud-init $("$debian13/bin/cloud-init" --version 2>&1 | awk '{print $2}')"
echo "== $(terraform version 2>/dev/null | head -1)"

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "== prettier"
npx prettier --check . >/dev/null
echo "== eslint"
npx eslint .
echo "== tsc"
npx tsc --noEmit -p tsconfig.json
echo "== tsc against CDK Terrain (cdktn, @cdktn/provider-aws)"
npx tsc --noEmit -p tsconfig.cdktn.json

echo "== jest: unit, renderers, constructs, real haproxy -c / cloud-init / keepalived -t of both releases, terraform"
status=0
rm -f .jest-results.json .jest-cdktn-results.json .jest-lab-results.json
npx jest --ci --json --outputFile=.jest-results.json || status=$?

echo "== jest: the synthesizing tests again on CDK Terrain (cdktn), examples compared with cdktf's"
npx jest -c jest.cdktn.config.js --ci --json --outputFile=.jest-cdktn-results.json || status=$?

# The lab (real HAProxy, nginx, Postfix, Dovecot in network namespaces): every scenario on
# the default release, Debian 13 (HAProxy 3.0, keepalived 2.3 from a cached Debian 13 root),
# and distribution, health failover, reload under load, pair failover and source addresses on
# Debian 12 (2.6).
lab_results=(.jest-lab-results.json .jest-lab-12-results.json .jest-vm-results.json)
rm -f "${lab_results[@]}"
echo "== jest: lab scenarios, Debian 13"
EXCHANGE_LB_LAB_DEBIAN=13 npx jest -c jest.lab.config.js --ci --runInBand --json \
  --outputFile="${lab_results[0]}" || status=$?
echo "== jest: lab scenarios 1, 3, 10, 11, 18, Debian 12"
EXCHANGE_LB_LAB_DEBIAN=12 npx jest -c jest.lab.config.js --ci --runInBand --json \
  --outputFile="${lab_results[1]}" --testPathPatterns '/(1|3|10|11|18)-[^/]*\.test\.ts$' || status=$?

# The boot lab: the load balancer as QEMU VMs booting the synthesized user-data from the
# Debian 13 image, with AWS stand-ins (IMDSv2, the mirror, the APIs enforcing the role).
# Scenarios 1-3 (one instance) and the pair's file (4, 5's failover claim, 6). 5's certificate
# part, 7 and 8 run with `npm run lab:test:vm`: with them the test command would take about
# 65 minutes on these 2 cores (README, boot lab).
echo "== jest: boot lab (QEMU VM), Debian 13, scenarios 1-4, 5 (failover), 6"
EXCHANGE_LB_LAB_DEBIAN=13 npx jest -c jest.vm.config.js --ci --runInBand --json \
  --outputFile="${lab_results[2]}" --testPathPatterns '/(1|4)-[^/]*\.test\.ts$' || status=$?

# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const runs = [".jest-results.json", ".jest-cdktn-results.json", ...process.argv.slice(1)].map((f) => {
    try { return require("./" + f); } catch { return { numPassedTests: 0, numFailedTests: 1 }; }
  });
  const passed = runs.reduce((n, r) => n + r.numPassedTests, 0);
  const failed = runs.reduce((n, r) => n + r.numFailedTests, 0);
  console.log(`${passed} passed, ${failed} failed`);
' "${lab_results[@]}"
exit "$status"

#!/usr/bin/env bash
# The test command (README): installs what the tests need, then runs every check.
# Real tools, never mocks: HAProxy 2.6 and cloud-init from Debian 12, Terraform.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v cloud-init >/dev/null || missing+=(cloud-init)
if ((${#missing[@]})); then
  echo "== installing ${missing[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v terraform >/dev/null || { echo "terraform is not on PATH; the escaping tests need it" >&2; exit 1; }
echo "== $(haproxy -v | head -1)"
echo "== cloud-init $(cloud-init --version 2>&1 | awk '{print $2}')"
echo "== $(terraform version 2>/dev/null | head -1)"

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "== prettier"
npx prettier --check . >/dev/null
echo "== eslint"
npx eslint .
echo "== tsc"
npx tsc --noEmit -p tsconfig.json

echo "== jest"
status=0
npx jest --ci --json --outputFile=.jest-results.json "$@" || status=$?
node -e '
  const r = require("./.jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
'
exit "$status"

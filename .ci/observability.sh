#!/usr/bin/env bash
# Observability stack checks (issue 6).
#
#   bash .ci/observability.sh install   # apt-get the tools (Debian 12 packages)
#   bash .ci/observability.sh check     # config checks + node:test suites, binaries REQUIRED
#   bash .ci/observability.sh           # both
#
# Debian packages and the binaries they ship (dpkg -L):
#   prometheus              -> /usr/bin/promtool (and prometheus, unused)
#   victoria-metrics        -> /usr/bin/victoria-metrics, vmagent, vmalert, vmauth, vmctl, ...
#   nginx                   -> /usr/sbin/nginx
#   prometheus-alertmanager -> /usr/bin/amtool (and alertmanager, unused)
# The package scripts would start system services; we block that with policy-rc.d
# while installing and stop anything that started anyway: the tests start their
# own VictoriaMetrics / nginx / vmagent on free loopback ports, as the current user.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(prometheus victoria-metrics nginx prometheus-alertmanager)
BINARIES=(promtool victoria-metrics vmagent vmalert nginx amtool)
export PATH="$PATH:/usr/sbin:/sbin"

have_all() {
  local b
  for b in "${BINARIES[@]}"; do command -v "$b" >/dev/null 2>&1 || return 1; done
}

install() {
  if have_all; then
    echo "observability: tools already installed"
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 0755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  if [ "$made_policy" = 1 ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now prometheus victoria-metrics nginx prometheus-alertmanager \
      prometheus-node-exporter >/dev/null 2>&1 || true
  fi
  have_all || { echo "observability: missing binaries after install" >&2; exit 1; }
  echo "observability: installed ${PACKAGES[*]}"
}

check() {
  set -x
  promtool check rules observability/rules/alerts.yml
  promtool test rules observability/rules/alerts.test.yml
  vmalert -dryRun -rule=observability/rules/alerts.yml -loggerLevel=ERROR
  vmagent -dryRun -promscrape.config=deploy-k3s/base/vmagent/scrape.yml -loggerLevel=ERROR
  vmagent -dryRun -promscrape.config=observability/vmagent/scrape.dev.yml -loggerLevel=ERROR
  amtool check-config observability/alertmanager/alertmanager.yml
  # nginx in front of a real VictoriaMetrics, vmagent end to end, dashboards vs createMetrics().
  HONEYDUE_REQUIRE_OBS_STACK=1 npx --no-install node --test \
    observability/test/stack.test.ts observability/test/dashboards.test.ts \
    packages/observability/test/metrics.test.ts packages/observability/test/metrics-server.test.ts \
    packages/observability/test/tracing.test.ts
}

case "${1:-all}" in
  install) install ;;
  check) check ;;
  all) install && check ;;
  *) echo "usage: $0 [install|check|all]" >&2; exit 2 ;;
esac

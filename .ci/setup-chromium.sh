#!/usr/bin/env bash
# Installs Debian's Chromium for the admin panel's browser tests (apps/admin/test), driven by playwright-core
# (@honeydue/testkit/browser). Those tests fail instead of skipping without it when CI=true.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: already installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium: installed $(chromium --version)"

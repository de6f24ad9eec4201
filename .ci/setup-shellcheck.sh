#!/usr/bin/env bash
# Installs ShellCheck (Debian package) for deploy-k3s/test/scripts.test.ts, which fails without it when CI=true.
set -euo pipefail
if command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck: already installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends shellcheck >/dev/null
echo "shellcheck: installed $(shellcheck --version | awk '/^version/ {print $2}')"

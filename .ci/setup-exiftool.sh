#!/usr/bin/env bash
# Installs exiftool (Debian's libimage-exiftool-perl) for the HEIC upload tests (packages/storage/test,
# apps/api/test/files-suite.ts): an independent reader proves GPS is gone from uploaded photos. Those tests
# fail instead of skipping without it when CI=true.
set -euo pipefail
if command -v exiftool >/dev/null 2>&1; then
  echo "exiftool: already installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends libimage-exiftool-perl >/dev/null
echo "exiftool: installed $(exiftool -ver)"

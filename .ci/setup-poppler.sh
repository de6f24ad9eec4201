#!/usr/bin/env bash
# Installs poppler-utils (Debian) for the home history report tests (apps/api/test/home-history.test.ts): pdftotext
# reads the PDF's text and pdftoppm renders a page to PNG. Those tests fail instead of skipping without it when CI=true.
set -euo pipefail
if command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  echo "poppler-utils: already installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
echo "poppler-utils: installed $(pdftotext -v 2>&1 | head -1)"

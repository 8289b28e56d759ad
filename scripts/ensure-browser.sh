#!/usr/bin/env bash
# Debian's Chromium for the browser tests and DejaVu fonts for the PDFs (no browser download:
# Playwright drives /usr/bin/chromium).  Installs them with apt when missing and we are root.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing ${need[*]}: run 'sudo apt-get install ${need[*]}' (browser and PDF tests need them)." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null

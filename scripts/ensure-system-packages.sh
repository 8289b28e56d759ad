#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser tests (no browser download: Playwright
# drives /usr/bin/chromium), DejaVu fonts for the PDFs, and xmlsec1, the reference XMLDSig
# implementation the corpus test cross-checks every signature verdict with, and poppler-utils
# (pdftoppm, pdftotext) to render the visit PDFs to images in the browser test, PgBouncer, and the toolchains
# of the example clients (Mono, a JDK with Santuario, Node).
# Installs them with apt when missing and we are root.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# zbar-tools (zbarimg): the browser test reads the certificate's QR code off the printed page
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
# PgBouncer: the web and worker processes run through it in tests/gateway/test_workers.py
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
# The example HIS clients (examples/, run by tests/examples): C# with Mono's SignedXml, Java with Apache
# Santuario, Node with xml-crypto (npm), and newman for the Postman collection (npm, in examples/node)
command -v mcs >/dev/null 2>&1 || need+=(mono-mcs)
for pair in security:Security net-http:Net.Http runtime-serialization:Runtime.Serialization xml-linq:Xml.Linq; do
  [ -f "/usr/lib/mono/4.5/System.${pair#*:}.dll" ] || need+=("libmono-system-${pair%%:*}4.0-cil")
done
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
[ -f /usr/share/java/xmlsec.jar ] || need+=(libxml-security-java)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# `make bench` (--bench): wrk, the C load generator of the HTTP benchmarks
if [ "${1:-}" = "--bench" ]; then command -v wrk >/dev/null 2>&1 || need+=(wrk); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing ${need[*]}: run 'sudo apt-get install ${need[*]}' (browser, PDF and signature tests need them)." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null

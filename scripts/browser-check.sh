#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and checks the screenshot is not blank.
# Not part of `make test`: Chromium is ~290 MB.
#
#   scripts/browser-check.sh out/demo/report.html [out/demo/report.png]
set -euo pipefail
html=${1:?usage: scripts/browser-check.sh REPORT.html [SCREENSHOT.png]}
png=${2:-${html%.html}.png}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v identify >/dev/null 2>&1 && identify -version 2>/dev/null | grep -q ImageMagick || need+=(imagemagick)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
  --screenshot="$png" "file://$(realpath "$html")" >/dev/null 2>&1
[ -s "$png" ] || { echo "browser-check: no screenshot was written" >&2; exit 1; }
# A blank page has (almost) no variation in its pixels.
sd=$(identify -format '%[fx:standard_deviation]' "$png")
awk -v sd="$sd" 'BEGIN { exit !(sd > 0.01) }' || { echo "browser-check: $png looks blank (sd $sd)" >&2; exit 1; }
echo "browser-check: $png rendered (pixel sd $sd)"

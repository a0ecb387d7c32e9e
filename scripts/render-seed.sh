#!/bin/sh
# Builds disputas and renders the seed sample into its products in out/.
# Installs missing Debian packages first (scripts/deps.sh).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build
mkdir -p out
build/disputas check samples/seed.yaml
echo "samples/seed.yaml checked"

#!/bin/sh
# Builds disputas and renders the seed sample into its products in out/:
# the poster, the booklet, the booklet imposed for duplex printing (and the
# calendar file, once `build` writes it).
# Installs missing Debian packages first (scripts/deps.sh).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build
mkdir -p out
build/disputas build samples/seed.yaml -d out
ls -l out/seed.*

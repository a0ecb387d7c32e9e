#!/bin/sh
# Builds disputas and renders the seed sample into its products in out/:
# the poster, the booklet, and the booklet imposed for duplex printing.
# Installs missing Debian packages first (scripts/deps.sh).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build
mkdir -p out
build/disputas render samples/seed.yaml -l poster -o out/seed.poster.pdf
build/disputas render samples/seed.yaml -l booklet -o out/seed.booklet.pdf
build/disputas render samples/seed.yaml -l booklet --impose saddle-stitch \
  -o out/seed.booklet-print.pdf
ls -l out/seed.*.pdf

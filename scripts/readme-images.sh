#!/bin/sh
# Renders the pictures in README.md from the seed sample with the built
# disputas: the poster, and two spreads of the booklet (pages 2-3 and 4-5,
# as a reader sees them open).  Run after scripts/render-seed.sh.
set -eu
cd "$(dirname "$0")/.."
if ! command -v convert >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq imagemagick poppler-utils >/dev/null
  else
    echo "needs imagemagick and poppler-utils: sudo apt-get install -y imagemagick poppler-utils" >&2
    exit 1
  fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs/images
build/disputas render samples/seed.yaml -l poster -o "$tmp/poster.pdf"
build/disputas render samples/seed.yaml -l booklet -o "$tmp/booklet.pdf"
pdftoppm -r 70 -png "$tmp/poster.pdf" "$tmp/poster"
cp "$tmp/poster-1.png" docs/images/seed-poster.png
pdftoppm -r 60 -png -f 2 -l 5 "$tmp/booklet.pdf" "$tmp/b"
convert "$tmp/b-2.png" "$tmp/b-3.png" +append docs/images/seed-booklet-2-3.png
convert "$tmp/b-4.png" "$tmp/b-5.png" +append docs/images/seed-booklet-4-5.png
ls -l docs/images

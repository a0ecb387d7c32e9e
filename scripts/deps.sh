#!/bin/sh
# Installs the Debian 12 packages disputas needs to build, test and render,
# if any are missing.  As root it runs apt-get; otherwise it prints the
# exact command to run and fails.  Idempotent: does nothing when all are
# present.
set -eu

# hyphen-*: patterns for every language with built-in labels; Debian 12
# has none for Finnish, which libvoikko and its voikko-fi dictionary
# hyphenate (the voikko module).
# fonts-noto-core, -cjk and -mono hold the chosen fallback fonts for the
# scripts the bundled fonts lack (fonts/README.md).
# fonts-crosextra-carlito and fonts-ebgaramond: the house-style example
# (docs/house.md) and the tests of font folders; fonts-dejavu-core a font
# the bundled configuration rejects, for a context's own font folder
# (tests/api/test-contexts.c).
# g++: the qpdf module's content-stream tokenizer is libqpdf's C++ API.
# icc-profiles-free: the sRGB profile of press output's PDF/X output intent
# and of PDF/A's (meson options press-profile, archive-profile);
# libgs-common (Ghostscript's ICC profiles, AGPL-3+): default_cmyk.icc is
# the built-in `cmyk` printing condition (src/press-profile.c), and it
# and sgray.icc go into the CMYK and grey JPEGs tests/print/make-jpeg.c
# makes; ghostscript cross-checks PDF/X and PDF/A output.
packages="
  meson ninja-build pkg-config gcc g++ clang python3 python3-yaml
  libglib2.0-dev libcairo2-dev libpango1.0-dev libharfbuzz-dev
  libfontconfig-dev libyaml-dev libcmark-dev libicu-dev libqrencode-dev
  libhyphen-dev zlib1g-dev libpng-dev
  hyphen-no hyphen-en-us hyphen-en-gb hyphen-sv hyphen-da hyphen-de hyphen-nl
  hyphen-fr hyphen-is libvoikko-dev voikko-fi
  librsvg2-dev libxml2-dev libjpeg62-turbo-dev libical-dev libqpdf-dev libpoppler-glib-dev
  libsoup-3.0-dev libjson-glib-dev
  fonts-noto-core fonts-noto-cjk
  fonts-noto-mono
  fonts-crosextra-carlito fonts-ebgaramond fonts-dejavu-core
  poppler-utils qpdf zbar-tools valgrind man-db strace chromium
  icc-profiles-free libgs-common ghostscript
"

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "disputas needs these Debian packages:$missing" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "Installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

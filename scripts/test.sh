#!/bin/sh
# Builds disputas and runs every test: once in a normal build with warnings
# as errors, once under AddressSanitizer and UndefinedBehaviorSanitizer;
# then builds every sample under valgrind (scripts/valgrind-build.sh).
# Installs missing Debian packages first (scripts/deps.sh).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

setup() { # DIR [meson options...]
  dir=$1; shift
  if [ -d "$dir" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

echo "== build (warnings are errors)"
setup build -Dwerror=true
ninja -C build
meson test -C build --print-errorlogs --num-processes "$jobs"

echo "== build under AddressSanitizer and UndefinedBehaviorSanitizer"
setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
# intercept_tls_get_addr=0: the sanitizers' tracking of dynamic TLS blocks
# (libraries dlopened by the plugins, librsvg's among them) records a
# bogus block now and then, and LeakSanitizer's tracer then crashes at
# exit ("Tracer caught signal 11", ~1 run in 15 under load).
ASAN_OPTIONS=detect_leaks=1:intercept_tls_get_addr=0 \
LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp":print_suppressions=0 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --print-errorlogs --num-processes "$jobs"

echo "== every sample built under valgrind (no memory errors, no leaks)"
scripts/valgrind-build.sh build

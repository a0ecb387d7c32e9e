#!/bin/sh
# Runs `disputas build` on every sample (samples/*.yaml) under valgrind:
# no invalid read or write, no jump on an uninitialised value, and no
# memory definitely or indirectly lost.  The libraries' own leaks are
# suppressed (tests/valgrind.supp); memory still reachable at exit (GLib's,
# Pango's and fontconfig's one-time caches) is not reported.
#
#     scripts/valgrind-build.sh [BUILD_DIR]     # default: build
#
# The build folder must exist (scripts/test.sh makes it).  Samples run in
# parallel, one per processor.  Exits 1 naming the samples that failed,
# with valgrind's report for each.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -x "$build/disputas" ]; then
  echo "scripts/valgrind-build.sh: no $build/disputas; build it first" >&2
  exit 2
fi
command -v valgrind >/dev/null || scripts/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
export DISPUTAS_DATADIR="$PWD"

# Builds one sample; its verdict goes to $out/NAME.status.  Deep stacks
# (fontconfig recurses) so the suppressions see the library that called.
check_sample() { # SAMPLE.yaml
  name=$(basename "$1" .yaml)
  mkdir -p "$out/$name"
  status=0
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --num-callers=200 --suppressions=tests/valgrind.supp \
    --log-file="$out/$name.valgrind" \
    "$build/disputas" build "$1" -d "$out/$name" \
    >/dev/null 2>"$out/$name.stderr" || status=$?
  echo "$status" >"$out/$name.status"
}

# One group of samples per processor, each group in turn.
i=0
for sample in samples/*.yaml; do
  echo "$sample" >>"$out/group-$((i % jobs))"
  i=$((i + 1))
done
for group in "$out"/group-*; do
  (while read -r sample; do check_sample "$sample"; done <"$group") &
done
wait

failed=""
for sample in samples/*.yaml; do
  name=$(basename "$sample" .yaml)
  status=$(cat "$out/$name.status")
  case $status in
    0) echo "ok: $sample" ;;
    99)
      echo "FAIL: $sample: valgrind found errors"
      cat "$out/$name.valgrind"
      failed="$failed $name" ;;
    *)
      echo "FAIL: $sample: disputas build exited $status"
      cat "$out/$name.stderr" "$out/$name.valgrind"
      failed="$failed $name" ;;
  esac
done
if [ -n "$failed" ]; then
  echo "valgrind: failed:$failed" >&2
  exit 1
fi

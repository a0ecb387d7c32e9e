#!/bin/sh
# Fuzzes disputas for a bounded time: builds the libFuzzer targets of
# tests/fuzz/ with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# in build-fuzz/, then runs each for FUZZ_SECONDS (default 60).
#
#     scripts/fuzz.sh                 # every target
#     scripts/fuzz.sh render expr     # some: yaml-tree document layout
#                                     # markdown template expr render
#     FUZZ_SECONDS=1800 scripts/fuzz.sh
#
# Each target starts from its seed corpus (tests/fuzz/corpus/TARGET/) and
# its regressions (tests/fuzz/regressions/TARGET/); what it learns is kept
# in build-fuzz/fuzz-corpus/TARGET/ for the next run.  An input that
# crashes, leaks, runs out of memory or takes longer than the target's
# timeout is copied into tests/fuzz/regressions/TARGET/, where the normal
# build replays it under `meson test --suite fuzz`: fix the bug, then
# commit the file with the fix.  Exits 1 if anything new was found.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh

seconds=${FUZZ_SECONDS:-60}
all="yaml-tree document layout markdown template expr render"
targets=${*:-$all}
dir=build-fuzz

# Inputs longer than this are not tried: the seeds are at most ~8 KB, and
# longer inputs only slow every execution down (the limits they would
# test have their own tests).  Seconds after which one input is a hang:
# the whole render must stay within a few seconds even under ASan.
max_len() {
  case $1 in
    template) echo 1024 ;; expr) echo 512 ;; markdown) echo 8192 ;;
    render) echo 8192 ;; *) echo 16384 ;;
  esac
}
timeout_for() {
  case $1 in render|expr) echo 25 ;; *) echo 10 ;; esac
}
dict_for() {
  case $1 in
    yaml-tree|document|render) echo announcement ;;
    *) echo "$1" ;;
  esac
}

for t in $targets; do
  case " $all " in
    *" $t "*) ;;
    *) echo "scripts/fuzz.sh: no target '$t' (targets: $all)" >&2; exit 2 ;;
  esac
done

echo "== build ($dir: clang, libFuzzer, ASan, UBSan)"
# -fsanitize=fuzzer-no-link gives libFuzzer coverage of the library, not
# just of the target's own file.
if [ -d "$dir" ]; then
  meson setup --reconfigure "$dir" >/dev/null
else
  CC=clang meson setup "$dir" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
# Everything: the targets load the image plugins of this build.
ninja -C "$dir"

export DISPUTAS_DATADIR="$PWD"
export ASAN_OPTIONS=detect_leaks=1:intercept_tls_get_addr=0
export LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp":print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

found=0
summary=""
for t in $targets; do
  work="$dir/fuzz-corpus/$t"
  artifacts="$dir/fuzz-artifacts/$t"
  regressions="tests/fuzz/regressions/$t"
  mkdir -p "$work" "$artifacts" "$regressions"
  dict=tests/fuzz/dict/$(dict_for "$t").dict
  log="$dir/fuzz-$t.log"
  # Targets that draw with cairo need full stacks for LeakSanitizer to
  # recognise cairo's own leaks (tests/lsan.supp), at a cost in speed.
  case $t in
    render|expr) unwind=0 ;;
    *) unwind=1 ;;
  esac
  echo "== fuzz-$t for ${seconds}s (log: $log)"
  # libFuzzer exits non-zero when it finds something; the artifacts say
  # what, so the status is not needed.
  ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=$unwind" \
  "$dir/tests/fuzz/fuzz-$t" "$work" "tests/fuzz/corpus/$t" "$regressions" \
    -max_total_time="$seconds" -max_len="$(max_len "$t")" \
    -timeout="$(timeout_for "$t")" -rss_limit_mb=2048 \
    -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
    >"$log" 2>&1 || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  new=0
  for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/oom-* \
           "$artifacts"/timeout-*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if [ ! -e "$regressions/$name" ]; then
      cp "$f" "$regressions/$name"
      echo "   new: $regressions/$name"
      new=$((new + 1))
    fi
  done
  found=$((found + new))
  summary="$summary
  fuzz-$t: ${execs:-?} executions in ${seconds}s, $new new finding(s)"
done

echo "== summary$summary"
if [ "$found" -gt 0 ]; then
  echo "$found new input(s) in tests/fuzz/regressions/: replay one with"
  echo "  DP_FUZZ_VERBOSE=1 $dir/tests/fuzz/fuzz-TARGET FILE"
  exit 1
fi

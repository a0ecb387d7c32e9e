#!/bin/sh
# bench/against.sh: how much slower or faster this tree renders the seed's
# poster and booklet than another revision, in processor time.
#
# Builds REV in a temporary git worktree (no download: the repository's
# own history) and this tree, both debugoptimized, then times
# `disputas render samples/seed.yaml -l poster` and `-l booklet` with
# each, interleaved, RUNS times (default 12), and prints the medians and
# their ratios (bench/cpu-ratio.py).  A bare time on a shared machine
# means little; a ratio measured in one run does.
#
# Usage: bench/against.sh REV [RUNS]
#   e.g. bench/against.sh 901af82   (before the optimal-fit line breaker;
#   issue 15's budget: poster and booklet at most 1.25 times as slow)
# BUILD=dir picks this tree's build directory (default build-opt).
# Run it on a machine as idle as you can; it prints the load average.
set -eu
[ $# -ge 1 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
cd "$(dirname "$0")/.."
rev=$1
runs=${2:-12}
build=${BUILD:-build-opt}
git rev-parse --verify --quiet "$rev^{commit}" >/dev/null ||
  { echo "bench/against.sh: no revision '$rev' in this repository" >&2; exit 2; }

base=$(mktemp -d)
trap 'git worktree remove --force "$base/tree" >/dev/null 2>&1 || true;
      rm -rf "$base"' EXIT
git worktree add --detach --quiet "$base/tree" "$rev"
echo "building $rev in $base/tree" >&2
meson setup "$base/tree/build" "$base/tree" --buildtype=debugoptimized \
  >/dev/null
# The program and its plugins (the qpdf step, images), not the tests.
targets() {
  echo disputas
  ninja -C "$1" -t targets all | sed -n 's#^\(src/plugins/[^/]*\.so\): .*#\1#p'
}
ninja -C "$base/tree/build" $(targets "$base/tree/build") >/dev/null

[ -d "$build" ] || meson setup "$build" --buildtype=debugoptimized >/dev/null
ninja -C "$build" $(targets "$build") >/dev/null

python3 bench/cpu-ratio.py "$base/tree" build "$PWD" "$build" "$runs"

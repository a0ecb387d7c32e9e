#!/usr/bin/env python3
"""bench/cpu-ratio.py: the processor time of rendering the seed's poster
and booklet with two builds, and its ratio.

    bench/cpu-ratio.py BEFORE_TREE BEFORE_BUILD NOW_TREE NOW_BUILD [RUNS]

Each tree renders its own samples/seed.yaml with its own data
(DISPUTAS_DATADIR), RUNS times (default 12), the two interleaved so that
a change in the machine's load falls on both alike.  Processor time is
user plus system time of the process and all its threads (getrusage of
the children), so it depends less on other work than wall time does.
Prints the medians, their ratio, and the load average at the start and
the end (bench/against.sh builds a revision to compare with)."""
import os
import resource
import statistics
import subprocess
import sys
import tempfile

LAYOUTS = ("poster", "booklet")


def cpu_ms(tree, build, layout, out):
    env = dict(os.environ, DISPUTAS_DATADIR=tree)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run([os.path.join(tree, build, "disputas"), "render",
                          os.path.join(tree, "samples", "seed.yaml"),
                          "-l", layout, "-o", out],
                         env=env, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode:
        sys.exit(f"{tree}: render -l {layout} failed:\n"
                 f"{run.stderr.decode(errors='replace')[:500]}")
    return (after.ru_utime + after.ru_stime -
            before.ru_utime - before.ru_stime) * 1000


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    trees = {"before": (sys.argv[1], sys.argv[2]),
             "now": (sys.argv[3], sys.argv[4])}
    runs = int(sys.argv[5]) if len(sys.argv) == 6 else 12
    load = os.getloadavg()[0]
    times = {}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            for name, (tree, build) in trees.items():
                for layout in LAYOUTS:
                    pdf = os.path.join(out, f"{name}-{layout}.pdf")
                    times.setdefault((name, layout), []).append(
                        cpu_ms(tree, build, layout, pdf))
    print(f"processor time, median of {runs} interleaved runs "
          f"(load average {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end)")
    for layout in LAYOUTS:
        before = statistics.median(times[("before", layout)])
        now = statistics.median(times[("now", layout)])
        print(f"render -l {layout:8} before {before:6.1f} ms   "
              f"now {now:6.1f} ms   ratio {now / before:.2f}")


if __name__ == "__main__":
    main()

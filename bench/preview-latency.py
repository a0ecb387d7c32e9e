#!/usr/bin/env python3
"""bench/preview-latency.py: from saving a file to a new poster picture
in `disputas preview`.

Starts `disputas preview` on a free port with a copy of a sample, then
EDITS times (default 30) changes the thesis title, saving the file as an
editor does (written beside it and renamed over it), and measures from
the save to the moment the new poster picture has been fetched: the
file monitor's event, the settling of the save's events
(DP_WATCH_SETTLE_MS), the build of every product, the page's long poll
answered, and the picture downloaded, as the page does.  Prints the
median and the 90th percentile, the build time the preview itself
reports, the processor time the preview spent on each edit (user and
system, from /proc: what a busy machine does not stretch, when wall
times are unreliable), and the median as a ratio to the target of
150 ms.

Usage: bench/preview-latency.py [--build DIR] [--sample FILE] [--edits N]
                                [--layout LAYOUT]...
Needs only Python's standard library.  Run it on an idle machine.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TARGET_MS = 150


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--sample", default=os.path.join(root, "samples",
                                                     "seed.yaml"))
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--layout", action="append", default=[])
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="preview-latency-")
    sample_dir = os.path.dirname(os.path.abspath(args.sample))
    for name in os.listdir(sample_dir):  # the sample and its images
        path = os.path.join(sample_dir, name)
        if os.path.isfile(path):
            shutil.copy(path, work)
    doc = os.path.join(work, os.path.basename(args.sample))
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^(  title: )(.*)$", text, re.M)
    if not m:
        sys.exit("the sample has no thesis title to change")
    env = dict(os.environ, DISPUTAS_DATADIR=root)
    command = [os.path.join(args.build, "disputas"), "preview", doc, "-q"]
    for layout in args.layout:
        command += ["-l", layout]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, env=env,
                              text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/", line).group(1)

        def get(path, timeout=60):
            with urllib.request.urlopen(url + path, timeout=timeout) as r:
                return r.read()

        state = json.loads(get("/state"))
        latencies, builds, cpus = [], [], []
        tick = os.sysconf("SC_CLK_TCK")

        def cpu():
            with open("/proc/%d/stat" % server.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick
        for i in range(args.edits + 1):
            title = m.group(2).replace('"', "") + " %d" % i
            new = text[:m.start(2)] + json.dumps(title) + text[m.end(2):]
            with open(doc + ".tmp", "w", encoding="utf-8") as f:
                f.write(new)
            start = time.monotonic()
            cpu_start = cpu()
            os.replace(doc + ".tmp", doc)
            state = json.loads(get("/state?after=%d" % state["build"]))
            poster = [p for p in state["products"]
                      if p["name"] in ("poster", args.layout[0]
                                       if args.layout else "poster")][0]
            get(poster["pages"][0]["url"])
            took = (time.monotonic() - start) * 1000
            if not state["ok"]:
                sys.exit("a build failed: %r" % state["problems"])
            time.sleep(0.5)  # every product drawn
            if i:  # the first warms the fonts and dictionaries
                latencies.append(took)
                builds.append(state["ms"])
                cpus.append((cpu() - cpu_start) * 1000)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    latencies.sort()
    median = statistics.median(latencies)
    p90 = latencies[int(0.9 * (len(latencies) - 1))]
    products = ", ".join(args.layout) or "poster, booklet, booklet-print"
    print("preview of %s (%s), %d edits:" % (os.path.basename(args.sample),
                                             products, len(latencies)))
    print("  save to picture: median %.0f ms, p90 %.0f ms" % (median, p90))
    print("  build (as the preview reports it): median %.0f ms"
          % statistics.median(builds))
    print("  processor time per edit (every product): median %.0f ms"
          % statistics.median(cpus))
    print("  median / target (%d ms): %.2f" % (TARGET_MS, median / TARGET_MS))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""`disputas build -j 2` over many documents mixing every sample gives,
for each, the bytes a serial build of that sample gives.

    build-parallel.py DISPUTAS SRCDIR

Each sample of samples/ (the multi-script one, the SVG logo and the JPEG
photo among them) is copied COPIES times (DP_STRESS_COPIES, by default
enough for some 100 documents, whatever the number of samples: 280 s
under ASan on a loaded 2-core machine had made 210 of them) under names
that interleave them, then built in one run with two threads;
every PDF must equal the serial build's of its sample (calendars name
their entries after the file, so they differ by name).
Before the font lock (src/fontlock.h) such a build crashed in cairo or
justified lines at soft hyphens differently in one of the threads.
bench/stress.sh runs it with some 500 documents.
"""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

PRODUCTS = ["poster.pdf", "booklet.pdf", "booklet-print.pdf"]


def build(disputas, folder, docs, outdir, jobs, env):
    os.mkdir(os.path.join(folder, outdir))
    proc = subprocess.run([disputas, "build", "-j", str(jobs), "-d", outdir]
                          + docs, cwd=folder, env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE,
                          timeout=120 + 4 * len(docs))
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        sys.exit("build -j %d exited with %d" % (jobs, proc.returncode))


def main():
    disputas, srcdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env.setdefault("LC_ALL", "C.UTF-8")
    samples_dir = os.path.join(srcdir, "samples")
    samples = sorted(f[:-5] for f in os.listdir(samples_dir)
                     if f.endswith(".yaml"))
    copies = int(os.environ.get("DP_STRESS_COPIES",
                                max(2, -(-100 // len(samples)))))
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(os.path.join(samples_dir, "images"),
                        os.path.join(folder, "images"))
        for s in samples:
            shutil.copy(os.path.join(samples_dir, s + ".yaml"), folder)
        build(disputas, folder, [s + ".yaml" for s in samples], "serial", 1,
              env)
        docs = []
        for k in range(copies):
            for i, s in enumerate(samples):
                name = "d%03d-%s.yaml" % (k * len(samples) + i, s)
                shutil.copy(os.path.join(samples_dir, s + ".yaml"),
                            os.path.join(folder, name))
                docs.append(name)
        build(disputas, folder, docs, "parallel", 2, env)
        different = []
        for doc in docs:
            stem, sample = doc[:-5], doc[5:-5]
            for product in PRODUCTS:
                got = os.path.join(folder, "parallel", stem + "." + product)
                want = os.path.join(folder, "serial", sample + "." + product)
                if not filecmp.cmp(got, want, shallow=False):
                    different.append(stem + "." + product)
        print("%d documents (%d samples x %d), %d outputs different"
              % (len(docs), len(samples), copies, len(different)))
        if different:
            sys.exit("different from the serial build: " +
                     " ".join(different))


if __name__ == "__main__":
    main()

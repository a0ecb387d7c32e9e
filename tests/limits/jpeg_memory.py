#!/usr/bin/env python3
"""A JPEG photo whose pixels cannot be allocated is an error at the
document's line, not a write through a NULL pointer (TAP on stdout).

    jpeg_memory.py DISPUTAS SRCDIR

samples/images/portrait.jpg with its frame header saying 7000 x 7000
pixels (49 million: under the limit of 50 million, 196 MB to decode) is
checked with the address space limited to what a check of the real photo
needs plus 64 MiB, found by trying.  The decoder's surface then cannot be
allocated: `check` must exit 1 naming the photo's line.  Skipped under
AddressSanitizer, which cannot run with an address-space limit.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile

MIB = 1 << 20
DOC = """\
institution:
  name: University of Agder
candidate:
  name: Maren Tollefsen Eide
  photo: %s
thesis:
  title: Wind, Waves and Winches
events:
  - kind: public-defence
    start: 2026-01-16T13:00
"""
PHOTO_LINE = 5


def sof_offset(data):
    """Offset of the SOFn segment's marker."""
    i = 2
    while i + 4 <= len(data):
        marker, length = data[i + 1], data[i + 2] << 8 | data[i + 3]
        if marker in (0xC0, 0xC1, 0xC2):
            return i
        i += 2 + length
    raise ValueError("no SOF segment")


def check(disputas, folder, doc, limit):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # One malloc arena: a thread that starts a little earlier under load
    # would otherwise reserve 64 MiB more in one run than in another, and
    # the limit found for the real photo could then hold the huge one.
    env = dict(os.environ, MALLOC_ARENA_MAX="1")
    return subprocess.run([disputas, "check", doc], cwd=folder, env=env,
                          preexec_fn=set_limit, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def main():
    disputas, srcdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    ldd = subprocess.run(["ldd", disputas], capture_output=True, text=True)
    if "libasan" in ldd.stdout:
        print("1..0 # SKIP AddressSanitizer cannot run under RLIMIT_AS")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(srcdir, "samples", "images",
                               "portrait.jpg"), "rb") as f:
            data = bytearray(f.read())
        with open(os.path.join(folder, "small.jpg"), "wb") as f:
            f.write(data)
        at = sof_offset(data)
        data[at + 5:at + 9] = bytes([7000 >> 8, 7000 & 255] * 2)
        with open(os.path.join(folder, "huge.jpg"), "wb") as f:
            f.write(data)
        for name in ("small", "huge"):
            with open(os.path.join(folder, name + ".yaml"), "w") as f:
                f.write(DOC % (name + ".jpg"))
        # The least address space a check of the real photo runs in.
        limit = None
        for mib in range(128, 4096, 32):
            if check(disputas, folder, "small.yaml",
                     mib * MIB).returncode == 0:
                limit = (mib + 64) * MIB
                break
        if limit is None:
            print("not ok 1 - a check of the real photo never passed")
            print("1..1")
            return 1
        proc = check(disputas, folder, "huge.yaml", limit)
        where = "huge.yaml:%d:" % PHOTO_LINE
        ok = proc.returncode == 1 and where in proc.stderr
        print("%s 1 - a photo that cannot be allocated is an error at its "
              "line (limit %d MiB)" % ("ok" if ok else "not ok",
                                       limit // MIB))
        if not ok:
            print("#   exit %d, stderr:" % proc.returncode)
            for line in proc.stderr.splitlines():
                print("#   " + line)
        print("1..1")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Holds libdisputas to its header and its ABI: the shared library exports
exactly the functions include/disputas/disputas.h declares DP_PUBLIC,
nothing of the internal modules, exactly the committed list of symbols
(docs/abi.md: a symbol is added to the list with the header, and never
removed or changed while the soname stays), and carries the soname
libdisputas.so.0.

Usage: check-symbols.py LIBRARY HEADER SYMBOLS   (TAP on stdout)
"""
import re
import subprocess
import sys


def main():
    library, header, symbols = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(symbols, encoding="utf-8") as f:
        committed = {line.strip() for line in f
                     if line.strip() and not line.startswith("#")}
    if not re.search(r"\.so(\.|$)", library):
        print("1..0 # SKIP not a shared library: " + library)
        return 0
    text = open(header, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    declared = set(re.findall(r"\bDP_PUBLIC\b[^;{]*?\b(dp_\w+)\s*\(", text))

    out = subprocess.run(["nm", "-D", "--defined-only", library],
                         check=True, capture_output=True, text=True).stdout
    exported = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "TtDdBbRrVvWwi":
            exported.add(parts[2].split("@")[0])

    dynamic = subprocess.run(["readelf", "-d", library], check=True,
                             capture_output=True, text=True).stdout
    soname = re.search(r"\(SONAME\).*\[(.*)\]", dynamic)

    checks = [
        ("every DP_PUBLIC function is exported",
         sorted(declared - exported)),
        ("nothing else is exported", sorted(exported - declared)),
        ("no committed symbol is missing (removing one breaks the ABI)",
         sorted(committed - exported)),
        ("every exported symbol is in the committed list (add it there)",
         sorted(exported - committed)),
        ("the soname is libdisputas.so.0",
         [] if soname and soname.group(1) == "libdisputas.so.0"
         else [soname.group(1) if soname else "no SONAME"]),
        ("the header declares some functions",
         [] if len(declared) > 20 else ["only %d" % len(declared)]),
    ]
    print("1..%d" % len(checks))
    failed = 0
    for i, (name, problems) in enumerate(checks, 1):
        if problems:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for p in problems:
                print("#   " + p)
        else:
            print("ok %d - %s" % (i, name))
    print("# %d functions exported" % len(exported))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

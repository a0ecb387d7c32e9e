#!/usr/bin/env python3
"""Runs `disputas check` on a document that must be accepted.

    run.py DISPUTAS SOURCE_ROOT NAME

NAME is tests/accept/NAME.yaml, checked from SOURCE_ROOT, or one of the
documents made here (GENERATED) in a temporary folder.  Passes when the exit
status is 0 and standard error holds no error (warnings are allowed).
"""
import os
import shutil
import subprocess
import sys
import tempfile


def huge_summary():
    """A summary of 600 paragraphs under 60 headings (about 400 KB),
    with emphasis, links and lists, well below the 4 MiB string limit."""
    lines = [
        "institution: {name: University of Agder}",
        "candidate: {name: Maren Tollefsen Eide}",
        "thesis: {title: 'Wind, Waves and Winches'}",
        "events: [{kind: public-defence, start: 2026-01-16T13:00}]",
        "summary: |",
    ]
    sentence = ("Offshore cranes lift *heavy* loads from moving ships, and "
                "the **winch** must follow the waves ([more](https://uia.no)). ")
    for section in range(60):
        lines.append(f"  ## Section {section + 1}")
        lines.append("")
        for paragraph in range(10):
            lines.append("  " + sentence * 6)
            lines.append("")
        lines.append("  - a point\n  - another point\n")
    return "\n".join(lines) + "\n"


GENERATED = {"generated-huge-summary": huge_summary}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    disputas, root, name = sys.argv[1:]
    disputas = os.path.abspath(disputas)
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    tmp = None
    try:
        if name in GENERATED:
            tmp = tempfile.mkdtemp(prefix="disputas-accept-")
            path = os.path.join(tmp, name + ".yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(GENERATED[name]())
            cwd = tmp
        else:
            path = f"tests/accept/{name}.yaml"
            cwd = root
        proc = subprocess.run([disputas, "check", path], cwd=cwd, env=env,
                              stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=120)
    finally:
        if tmp:
            shutil.rmtree(tmp)
    stderr = proc.stderr.decode("utf-8", "replace")
    sys.stdout.write(stderr)
    if proc.returncode != 0 or ": error: " in stderr:
        print(f"exit status {proc.returncode}, expected 0 and no error")
        sys.exit(1)


if __name__ == "__main__":
    main()

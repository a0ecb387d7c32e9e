#!/usr/bin/env python3
"""Checks every YAML example of docs/announcement.md with `disputas check`,
and the announcements among the examples of disputas-announcement(5).

    check_examples.py DISPUTAS SOURCE_ROOT WORK_DIR

Each ```yaml block of the reference is written to a file in WORK_DIR (with
docs/examples/images beside it, so image paths resolve) and checked.  An
HTML comment on the line before a block says what the block is:

    (none)                          a whole announcement: `check` exits 0
    <!-- test: fragment -->         some keys only: the required top-level
                                    keys it lacks are added from BASE, then
                                    `check` exits 0
    <!-- test: mistake NAME -->     written as NAME: `check` exits 1, and
                                    every `NAME:LINE:COL: ...` line of the
                                    ``` block after it is in the stderr
    <!-- test: build -->            a whole announcement that `build` turns
                                    into its four files, the poster showing
                                    the candidate's name

It also checks that the reference names every key of the binder's schema
(src/document.c) and every label key (src/labels.c), so a key added to the
code without a word in the reference fails here.
"""
import os
import re
import shutil
import subprocess
import sys

BASE = {
    "institution": "institution:\n  name: University of Agder\n",
    "candidate": "candidate:\n  name: Maren Tollefsen Eide\n",
    "thesis": "thesis:\n  title: Wind, Waves and Winches\n",
    "events": "events:\n  - kind: public-defence\n    start: 2026-01-16T13:00\n",
}

MARKER = re.compile(r"<!--\s*test:\s*(\w+)\s*(\S*)\s*-->")


def blocks(text):
    """Yields (line number, info string, marker, marker argument, body,
    the body of the next fenced block or None)."""
    lines = text.split("\n")
    fences = []
    i = 0
    while i < len(lines):
        m = re.match(r"^```(.*)$", lines[i])
        if m:
            start = i
            j = i + 1
            while j < len(lines) and lines[j] != "```":
                j += 1
            fences.append((start, m.group(1).strip(), "\n".join(lines[i + 1:j]) + "\n"))
            i = j + 1
        else:
            i += 1
    for n, (start, info, body) in enumerate(fences):
        if info != "yaml":
            continue
        kind, arg = "whole", ""
        if start > 0:
            m = MARKER.search(lines[start - 1])
            if m:
                kind, arg = m.group(1), m.group(2)
        following = fences[n + 1][2] if n + 1 < len(fences) else None
        yield start + 1, kind, arg, body, following


def run(disputas, args, cwd):
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    return subprocess.run([disputas] + args, cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=120)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    disputas, root, work = sys.argv[1:]
    disputas = os.path.abspath(disputas)
    with open(os.path.join(root, "docs", "announcement.md"), encoding="utf-8") as f:
        text = f.read()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copytree(os.path.join(root, "docs", "examples", "images"),
                    os.path.join(work, "images"))
    failures = []
    counts = {}
    for line, kind, arg, body, following in blocks(text):
        counts[kind] = counts.get(kind, 0) + 1
        where = f"docs/announcement.md:{line}"
        name = arg or f"example-{line}.yaml"
        if kind == "fragment":
            present = set(re.findall(r"^([a-z-]+):", body, re.M))
            body += "".join(v for k, v in BASE.items() if k not in present)
        elif kind not in ("whole", "mistake", "build"):
            failures.append(f"{where}: unknown marker '{kind}'")
            continue
        with open(os.path.join(work, name), "w", encoding="utf-8") as f:
            f.write(body)
        proc = run(disputas, ["check", name], work)
        stderr = proc.stderr.decode("utf-8", "replace")
        if kind == "mistake":
            expected = [l for l in (following or "").split("\n")
                        if l.startswith(name + ":")]
            if proc.returncode != 1:
                failures.append(f"{where}: a mistake, but check exited "
                                f"{proc.returncode}:\n{stderr}")
            elif not expected:
                failures.append(f"{where}: a mistake without its message "
                                f"({name}:LINE:COLUMN: ...) in the block after it")
            for l in expected:
                if l not in stderr.split("\n"):
                    failures.append(f"{where}: the message shown,\n  {l}\n"
                                    f"is not what check says:\n{stderr}")
            continue
        if proc.returncode != 0 or "error:" in stderr:
            failures.append(f"{where}: check exited {proc.returncode}:\n"
                            f"{stderr}\n--- the example as checked:\n{body}")
            continue
        if kind == "build":
            out = os.path.join(work, "out")
            os.makedirs(out, exist_ok=True)
            proc = run(disputas, ["build", name, "-d", "out"], work)
            stem = name[:-5]
            made = [f"{stem}.{p}" for p in ("poster.pdf", "booklet.pdf",
                                            "booklet-print.pdf", "ics")]
            missing = [m for m in made
                       if not os.path.isfile(os.path.join(out, m))]
            if proc.returncode != 0 or missing:
                failures.append(f"{where}: build exited {proc.returncode}, "
                                f"missing {missing}:\n"
                                f"{proc.stderr.decode('utf-8', 'replace')}")
                continue
            candidate = re.search(r"^candidate:\n  name: (.*)$", body, re.M)
            poster = subprocess.run(
                ["pdftotext", os.path.join(out, f"{stem}.poster.pdf"), "-"],
                capture_output=True, text=True, timeout=60).stdout
            if not candidate or candidate.group(1) not in " ".join(poster.split()):
                failures.append(f"{where}: the poster does not show the "
                                f"candidate's name")
    if not counts.get("whole") or not counts.get("fragment") or \
            not counts.get("build") or not counts.get("mistake"):
        failures.append(f"expected examples of every kind, found {counts}")

    # The examples of the man page disputas-announcement(5): each .EX
    # block that is an announcement (it has events) checks clean.
    with open(os.path.join(root, "docs", "disputas-announcement.5"),
              encoding="utf-8") as f:
        man = f.read()
    man_examples = 0
    for m in re.finditer(r"^\.EX\n(.*?)^\.EE$", man, re.M | re.S):
        body = re.sub(r"\\(.)", r"\1", m.group(1))  # roff's \- is a -
        if not re.search(r"^events:", body, re.M):
            continue
        man_examples += 1
        line = man[:m.start()].count("\n") + 1
        name = f"man-example-{line}.yaml"
        with open(os.path.join(work, name), "w", encoding="utf-8") as f:
            f.write(body)
        proc = run(disputas, ["check", name], work)
        stderr = proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0 or "error:" in stderr:
            failures.append(f"docs/disputas-announcement.5:{line}: check "
                            f"exited {proc.returncode}:\n{stderr}\n"
                            f"--- the example as checked:\n{body}")
    if not man_examples:
        failures.append("no announcement among the examples of "
                        "disputas-announcement(5)")

    # Every key the binder knows is named in the reference.
    with open(os.path.join(root, "src", "document.c"), encoding="utf-8") as f:
        keys = set(re.findall(r'\{"([a-z-]+)", F_', f.read()))
    with open(os.path.join(root, "src", "labels.c"), encoding="utf-8") as f:
        labels_c = f.read()
    # The spec's label keys: dp_label_keys, written out or through the
    # SPEC_KEYS macro it is made of.
    table = labels_c[labels_c.index("#define SPEC_KEYS"):] \
        if "#define SPEC_KEYS" in labels_c \
        else labels_c[labels_c.index("dp_label_keys[]"):]
    table = table[:re.search(r"\n\n|NULL", table).start()]
    label_keys = set(re.findall(r'"([a-z-]+)"', table))
    if len(label_keys) < 25:
        failures.append(f"found only {len(label_keys)} label keys in labels.c")
    keys |= label_keys
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    if len(keys) < 70:
        failures.append(f"found only {len(keys)} keys in the sources")
    if missing:
        failures.append("keys the reference does not name: " + ", ".join(missing))

    for f in failures:
        print(f)
    print(f"{sum(counts.values())} examples: {counts}; {len(keys)} keys")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""`disputas new`: the announcement it writes is refused while any
placeholder is left, each at its place, and valid once all are filled.

    new.py DISPUTAS WORK_DIR

For the default file and for `--lang nb --events 4`:

  - `check` on the file as written exits 1 with exactly one error per
    `<placeholder>`, at the placeholder's line and column, saying it is
    still a placeholder;
  - with every placeholder replaced by a value of its key's kind (a date
    and time for `start`, text for the rest), `check` exits 0 without a
    warning, and `build` makes the poster, which shows a filled-in name.

And the command's edges: `new` and `new -` write to standard output, an
existing file is never replaced (exit 3, file unchanged), and a bad
`--events` or `--lang` is a usage error (exit 2) that writes nothing.
"""
import os
import re
import shutil
import subprocess
import sys

PLACEHOLDER = re.compile(r"^(\s*(?:- )?([a-z-]+): )(<[^<>]* [^<>]*>)")


def run(disputas, args, cwd):
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    return subprocess.run([disputas] + args, cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)


def placeholders(text):
    """(line, column, key, placeholder) of every placeholder, 1-based."""
    found = []
    for n, line in enumerate(text.split("\n"), 1):
        m = PLACEHOLDER.match(line)
        if m:
            found.append((n, len(m.group(1)) + 1, m.group(2), m.group(3)))
    return found


def fill(text):
    hour = [8]
    lines = []
    for line in text.split("\n"):
        m = PLACEHOLDER.match(line)
        if m:
            if m.group(2) == "start":
                hour[0] += 1
                value = "2026-01-16T%02d:00" % hour[0]
            else:
                value = "Filled %s %d" % (m.group(2), len(lines))
            line = m.group(1) + value + line[m.end():]
        lines.append(line)
    return "\n".join(lines)


def check_template(disputas, work, name, args, failures):
    proc = run(disputas, ["new", name] + args, work)
    path = os.path.join(work, name)
    if proc.returncode != 0 or not re.fullmatch(
            r"wrote %s: an announcement with \d+ placeholders to fill in\n"
            % re.escape(name), proc.stderr):
        failures.append(f"new {name} {args}: exit {proc.returncode}\n{proc.stderr}")
        return
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = placeholders(text)
    if len(found) < 5:
        failures.append(f"{name}: only {len(found)} placeholders")
    proc = run(disputas, ["check", name], work)
    errors = [l for l in proc.stderr.split("\n") if ": error: " in l]
    expected = ["%s:%d:%d: error: '%s' is still the placeholder %s: write the "
                "value (or, if the key is optional, remove it)"
                % (name, line, column, key, placeholder)
                for line, column, key, placeholder in found]
    if proc.returncode != 1 or errors != expected:
        failures.append(f"{name} unfilled: exit {proc.returncode}, errors\n"
                        + "\n".join(errors) + "\nexpected\n"
                        + "\n".join(expected))
    filled = name.replace(".yaml", "-filled.yaml")
    with open(os.path.join(work, filled), "w", encoding="utf-8") as f:
        f.write(fill(text))
    proc = run(disputas, ["check", filled], work)
    if proc.returncode != 0 or proc.stderr:
        failures.append(f"{filled}: exit {proc.returncode}\n{proc.stderr}")
        return
    out = os.path.join(work, "out-" + name[:-5])
    os.makedirs(out)
    proc = run(disputas, ["build", filled, "-q", "-d", out], work)
    poster = os.path.join(out, filled[:-5] + ".poster.pdf")
    if proc.returncode != 0 or not os.path.exists(poster):
        failures.append(f"build {filled}: exit {proc.returncode}\n{proc.stderr}")
        return
    words = subprocess.run(["pdftotext", poster, "-"], capture_output=True,
                           text=True, timeout=60).stdout
    if "Filled name" not in " ".join(words.split()):
        failures.append(f"{filled}: the poster shows no filled-in name")
    return text


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    disputas, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = []
    default = check_template(disputas, work, "plain.yaml", [], failures)
    nb = check_template(disputas, work, "nb.yaml",
                        ["--lang", "nb", "--events", "4"], failures)
    if nb is not None:
        if "lang: nb " not in nb or nb.count("  - kind: ") != 4 or \
                nb.count("  - kind: other") != 2:
            failures.append("--lang nb --events 4: not 4 events in nb:\n" + nb)

    for args in (["new"], ["new", "-"]):
        proc = run(disputas, args, work)
        if proc.returncode != 0 or proc.stdout != default:
            failures.append(f"{args}: exit {proc.returncode}, not the "
                            "template on standard output")

    path = os.path.join(work, "plain.yaml")
    with open(path, "w") as f:
        f.write("mine\n")
    proc = run(disputas, ["new", "plain.yaml"], work)
    with open(path) as f:
        kept = f.read()
    if proc.returncode != 3 or kept != "mine\n" or "exists" not in proc.stderr:
        failures.append(f"new over a file: exit {proc.returncode}, "
                        f"{proc.stderr!r}, file {kept!r}")

    for args in (["--events", "0"], ["--events", "21"], ["--events", "two"],
                 ["--lang", "en us"],
                 ["--lang", "en\nx: 1"]):
        proc = run(disputas, ["new", "bad.yaml"] + args, work)
        if proc.returncode != 2 or os.path.exists(os.path.join(work, "bad.yaml")):
            failures.append(f"new {args}: exit {proc.returncode}, "
                            f"{proc.stderr!r}")

    for f in failures:
        print(f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

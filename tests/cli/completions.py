#!/usr/bin/env python3
"""The shell completions (completions/) against the program itself.

    completions.py DISPUTAS SOURCE_ROOT

For every command, each long option its --help lists is offered by the
bash completion (run in bash: `_disputas` with COMP_WORDS set) and named
in the zsh and fish files, so an option added to the program and not to
the completions fails here; and the bash completion completes commands,
layout names and formats.
"""
import os
import re
import subprocess
import sys

COMMANDS = ["render", "build", "check", "watch", "preview", "layouts", "new",
            "serve"]


def bash_complete(root, words):
    script = (f"source {root}/completions/disputas.bash\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n"
              "_disputas\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    out = subprocess.run(["bash", "--norc", "-c", script], capture_output=True,
                         text=True, timeout=60)
    return set(out.stdout.split())


def main():
    disputas, root = sys.argv[1:]
    failures = []
    with open(os.path.join(root, "completions", "_disputas")) as f:
        zsh = f.read()
    with open(os.path.join(root, "completions", "disputas.fish")) as f:
        fish = f.read()
    for command in COMMANDS:
        help_text = subprocess.run([disputas, command, "--help"],
                                   capture_output=True, text=True,
                                   timeout=60).stdout
        options = set(re.findall(r"--([a-z][a-z-]*)", help_text)) - {"help-all"}
        offered = bash_complete(root, ["disputas", command, "--"])
        for o in sorted(options):
            if "--" + o not in offered:
                failures.append(f"bash: {command} --{o} is not offered")
            if f"--{o}" not in zsh:
                failures.append(f"zsh: --{o} is not named")
            if not re.search(rf"-l {re.escape(o)}\b", fish):
                failures.append(f"fish: -l {o} is not named")
    for words, expected in (
            (["disputas", "re"], {"render"}),
            (["disputas", ""], set(COMMANDS)),
            (["disputas", "render", "-l", "book"], {"booklet", "booklet-print"}),
            (["disputas", "render", "-f", ""], {"pdf", "png", "svg", "trace"}),
            (["disputas", "render", "--impose", "s"], {"saddle-stitch"})):
        got = bash_complete(root, words)
        if not expected <= got:
            failures.append(f"bash: {' '.join(words)!r} gave {sorted(got)}")
    for f in failures:
        print(f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

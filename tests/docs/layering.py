#!/usr/bin/env python3
"""The dependency direction of src/'s headers, and a self-contained tree.

    layering.py SOURCE_ROOT

Fails when a header of src/ includes (directly or through other headers)
one of a stage it may not know: the pipeline runs one way, YAML ->
document -> layout -> composition -> rendering -> CLI/API (HACKING.md),
and a layout knows no document (templates are held, not expanded, in
layout.h).  A header placed in no stage below is followed through (so a
layout.h -> new.h -> document.h chain still fails) and named, without
failing: place it when you can.

Also fails when a file of the project points its readers outside the
repository (a path through ../shared or a team folder): docs, headers
and comments must explain the project by its own files.
"""
import os
import re
import subprocess
import sys

# Stage of each header, and the stages a stage may include.
STAGES = {
    "base": """atomic-file bind confine diag fontlock frame-expr
               hyphen-cache hyphenate image labels length linebreak paths
               qr richtext settings style typography yaml-hint
               yaml-tree""",
    "document": "calendar datefmt document house label-tables template",
    "layout": "layout layout-private",
    "text": "text text-private",
    "compose": "compose compose-private preflight",
    "render": "render trace xmp",
    "plugin": "plugin",
    "api": "context",
}
MAY_INCLUDE = {
    "base": {"base"},
    "document": {"base", "document"},
    "layout": {"base", "layout"},
    "text": {"base", "text"},
    "compose": {"base", "document", "layout", "text", "compose"},
    "render": {"base", "document", "layout", "text", "compose", "render"},
    # The modules' interfaces: what a calendar module writes.
    "plugin": {"base", "document", "plugin"},
    "api": set(STAGES),
}

# Where a reader would be sent outside the repository.
OUTSIDE = re.compile(r"\.\./shared\b|/work/shared\b|\bshared/(spec|notes|tools)/")


def includes(src, header):
    with open(os.path.join(src, header), encoding="utf-8") as f:
        return re.findall(r'^\s*#\s*include\s+"([^"/]+\.h)"', f.read(), re.M)


def check_layers(root):
    src = os.path.join(root, "src")
    stage_of = {}
    for stage, names in STAGES.items():
        for name in names.split():
            stage_of[name + ".h"] = stage
    problems = []
    headers = sorted(h for h in os.listdir(src) if h.endswith(".h"))
    for h in headers:
        if h not in stage_of:
            print("note: src/%s is in no stage of tests/docs/layering.py" % h)
    graph = {h: [i for i in includes(src, h) if i in headers]
             for h in headers}
    for h in (h for h in headers if h in stage_of):
        # Every header reached from h, with the chain that reaches it.
        seen = {h: [h]}
        todo = [h]
        while todo:
            cur = todo.pop()
            for nxt in graph.get(cur, []):
                if nxt not in seen:
                    seen[nxt] = seen[cur] + [nxt]
                    todo.append(nxt)
        for reached, chain in sorted(seen.items()):
            if reached in stage_of and \
                    stage_of[reached] not in MAY_INCLUDE[stage_of[h]]:
                problems.append("src/%s (%s) reaches src/%s (%s): %s" % (
                    h, stage_of[h], reached, stage_of[reached],
                    " -> ".join(chain)))
    return problems


def check_self_contained(root):
    try:
        files = subprocess.run(["git", "-C", root, "ls-files", "-z"],
                               stdout=subprocess.PIPE, check=True,
                               stderr=subprocess.DEVNULL).stdout
        files = [f for f in files.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs
                       if not d.startswith((".", "build"))]
            files += [os.path.relpath(os.path.join(folder, n), root)
                      for n in names]
    this = os.path.relpath(os.path.abspath(__file__), root)
    problems = []
    for name in files:
        if name == this:
            continue
        try:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                problems.append("%s:%d: points outside the repository: %s"
                                % (name, n, line.strip()))
    return problems


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    problems = check_layers(root) + check_self_contained(root)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

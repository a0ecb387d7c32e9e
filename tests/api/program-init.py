#!/usr/bin/env python3
"""dp_program_init, as the disputas program calls it: fontconfig's default
configuration (which Pango loads in a background thread) is the bundled
fonts/default.conf, not the system's, unless FONTCONFIG_FILE says
otherwise; and an SVG logo's text is then set in the bundled fonts.

Read from fontconfig's own trace (FC_DEBUG=1024 prints each configuration
file it loads, on stdout).

Usage: program-init.py DISPUTAS SOURCE_ROOT   (TAP on stdout)
"""
import os
import subprocess
import sys
import tempfile


def loaded_configs(disputas, root, env):
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(
            [disputas, "render", os.path.join(root, "samples", "logo-photo.yaml"),
             "-l", "poster", "-o", os.path.join(out, "p.pdf")],
            env=env, capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit("render failed: " + run.stderr)
        lines = (run.stdout + run.stderr).splitlines()
        return [l.split("Loading config file from", 1)[1].strip()
                for l in lines if "Loading config file from" in l
                and not l.rstrip().endswith("done")]


def main():
    disputas, root = sys.argv[1], sys.argv[2]
    fonts = os.path.realpath(os.path.join(root, "fonts"))
    env = dict(os.environ, FC_DEBUG="1024")
    env.pop("FONTCONFIG_FILE", None)
    env.pop("FONTCONFIG_PATH", None)
    default = loaded_configs(disputas, root, env)

    # A file of this run's own: parallel runs of the suite share /tmp.
    fd, system = tempfile.mkstemp(prefix="dp-program-init-", suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write('<?xml version="1.0"?>\n<fontconfig>\n'
                '<dir>/nonexistent-dp-fonts</dir>\n</fontconfig>\n')
    env_user = dict(env, FONTCONFIG_FILE=system)
    user = loaded_configs(disputas, root, env_user)
    os.unlink(system)

    # A FONTCONFIG_PATH of the user's also keeps the system's file.
    env_path = dict(env, FONTCONFIG_PATH="/etc/fonts")
    by_path = loaded_configs(disputas, root, env_path)

    default_conf = os.path.join(fonts, "default.conf")
    checks = [
        ("without FONTCONFIG_FILE, the default configuration is "
         "fonts/default.conf", default_conf in
         [os.path.realpath(c) for c in default]),
        ("... and the system's is not read",
         not any(c.startswith("/etc/fonts") for c in default)),
        ("a FONTCONFIG_FILE of the user's is kept", system in user),
        ("... and fonts/default.conf is then not read",
         default_conf not in [os.path.realpath(c) for c in user]),
        ("a FONTCONFIG_PATH of the user's is kept",
         "/etc/fonts/fonts.conf" in by_path and default_conf not in
         [os.path.realpath(c) for c in by_path]),
    ]
    print("1..%d" % len(checks))
    failed = 0
    for i, (name, ok) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            failed += 1
            print("# default run loaded: %s" % default)
            print("# user run loaded: %s" % user)
            print("# FONTCONFIG_PATH run loaded: %s" % by_path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

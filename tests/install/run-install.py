#!/usr/bin/env python3
"""`meson install` into a scratch tree, then use what was installed the way
someone outside the source tree would (TAP on stdout).

    run-install.py SOURCE_ROOT BUILD_ROOT VERSION PREFIX LIBDIR BINDIR
                   DATADIR MANDIR B_SANITIZE

1. `meson install --destdir` into BUILD_ROOT/tests/install/scratch/dest;
   the files an administrator expects are there.
2. examples/render-poster.c is compiled with
   `cc $(pkg-config --cflags --libs disputas)`, PKG_CONFIG_PATH pointing
   into the staged tree (disputas.pc finds its prefix from its own
   folder, ${pcfiledir}), and run from an empty folder with
   LD_LIBRARY_PATH and no DISPUTAS_DATADIR: the library must find its
   layouts and fonts relative to where it is installed.  poster.pdf must
   be one A4 page (the trim: office output) with the candidate's name in its text.
3. The staged tree, copied outside the build folder, renders the same
   bytes; its disputas.pc names the moved tree; its CLI starts without
   LD_LIBRARY_PATH (RUNPATH relative to the binary); without its
   share/disputas it cannot render (so the data did come from the
   install, not from the source tree or the configured prefix).
4. examples/disputas.py (ctypes) runs, and the installed CLI starts
   without LD_LIBRARY_PATH.
5. `man -l` renders both installed man pages without warnings, and
   `MANPATH=... man disputas` finds the page.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

A4 = (595.276, 841.890)
CANDIDATE = "Maren Tollefsen Eide"


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, name, problem=None):
        self.count += 1
        if problem:
            self.failed += 1
            print("not ok %d - %s" % (self.count, name))
            for line in str(problem).rstrip().splitlines():
                print("#   " + line)
        else:
            print("ok %d - %s" % (self.count, name))
        sys.stdout.flush()
        return not problem

    def skip(self, name, why):
        self.count += 1
        print("ok %d - %s # SKIP %s" % (self.count, name, why))


def run(args, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 120)
    return subprocess.run(args, **kw)


def failure(proc):
    """None if `proc` succeeded, else what it said."""
    if proc.returncode == 0:
        return None
    return "%s exited %d\n%s%s" % (
        " ".join(map(str, proc.args)), proc.returncode, proc.stdout,
        proc.stderr)


def check_pdf(path):
    """None if `path` is a one-page poster with the candidate's name."""
    if not os.path.exists(path):
        return "no %s" % path
    info = run(["pdfinfo", path])
    if info.returncode:
        return failure(info)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    pages = re.search(r"Pages:\s+(\d+)", info.stdout)
    if not size or not pages or pages.group(1) != "1":
        return "not one page:\n" + info.stdout
    w, h = float(size.group(1)), float(size.group(2))
    if abs(w - A4[0]) > 0.1 or abs(h - A4[1]) > 0.1:
        return "page %.2f x %.2f pt, not A4 (%.2f x %.2f)" % (w, h, *A4)
    text = run(["pdftotext", path, "-"])
    if text.returncode:
        return failure(text)
    if CANDIDATE not in text.stdout:
        return "no '%s' in the text:\n%s" % (CANDIDATE, text.stdout[:500])
    return None


def pc_prefix_problem(pc_env, want):
    """None if pkg-config, through `pc_env`, puts disputas's prefix, and
    its -I and -L, in the folder `want`."""
    proc = run(["pkg-config", "--variable=prefix", "disputas"], env=pc_env)
    if proc.returncode:
        return failure(proc)
    got = proc.stdout.strip()
    if os.path.realpath(got) != os.path.realpath(want):
        return "prefix %s, not %s" % (got, want)
    flags = run(["pkg-config", "--cflags", "--libs", "disputas"], env=pc_env)
    if flags.returncode:
        return failure(flags)
    # Its own -I and -L (the others come from Requires.private).
    inside = {flag[:2] for flag in shlex.split(flags.stdout)
              if flag[:2] in ("-I", "-L") and os.path.realpath(
                  flag[2:]).startswith(os.path.realpath(want) + "/")}
    if inside != {"-I", "-L"}:
        return "no -I and -L under %s in: %s" % (want, flags.stdout)
    return None


def cli_problem(cli, env, cwd):
    """None if the installed CLI at `cli` runs with `env` (which sets no
    LD_LIBRARY_PATH) and lists the built-in layouts."""
    assert "LD_LIBRARY_PATH" not in env
    proc = run([cli, "layouts"], env=env, cwd=cwd)
    problem = failure(proc)
    if not problem:
        names = [line.split()[0] for line in proc.stdout.splitlines() if line]
        if names[:3] != ["poster", "booklet", "booklet-print"]:
            problem = "layouts:\n" + proc.stdout
    return problem


def main():
    (source, build, version, prefix, libdir, bindir, datadir, mandir,
     sanitize) = sys.argv[1:10]
    scratch = os.path.join(build, "tests", "install", "scratch")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    dest = os.path.join(scratch, "dest")
    # Where PREFIX/... lands under DESTDIR.
    staged = lambda *parts: os.path.join(dest + prefix, *parts)
    lib = staged(libdir)
    tap = Tap()

    # A clean environment: nothing that points back at the source tree.
    env = dict(os.environ)
    for name in ("DISPUTAS_DATADIR", "DISPUTAS_PLUGINDIR", "PKG_CONFIG_PATH",
                 "PKG_CONFIG_SYSROOT_DIR", "LD_LIBRARY_PATH", "MANPATH"):
        env.pop(name, None)
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    env["LC_ALL"] = "C.UTF-8"

    # 1. Install.
    proc = run(["meson", "install", "-C", build, "--destdir", dest,
                "--no-rebuild", "--quiet"], env=env, timeout=240)
    if not tap.ok("meson install --destdir", failure(proc)):
        print("1..%d" % tap.count)
        return 1
    expected = [
        staged(bindir, "disputas"),
        staged(libdir, "libdisputas.so.0"),
        staged("include", "disputas", "disputas.h"),
        staged(libdir, "pkgconfig", "disputas.pc"),
        staged(datadir, "disputas", "layouts", "poster.yaml"),
        staged(datadir, "disputas", "layouts", "booklet.yaml"),
        staged(datadir, "disputas", "fonts", "fonts.conf"),
        staged(datadir, "disputas", "fonts", "NotoSerif-Regular.ttf"),
        staged(datadir, "disputas", "fonts", "LICENSES", "OFL.txt"),
        staged(datadir, "disputas", "data", "labels", "en.yaml"),
        staged(mandir, "man1", "disputas.1"),
        staged(mandir, "man5", "disputas-layout.5"),
        staged(mandir, "man5", "disputas-announcement.5"),
        staged(datadir, "bash-completion", "completions", "disputas"),
        staged(datadir, "zsh", "site-functions", "_disputas"),
        staged(datadir, "fish", "vendor_completions.d", "disputas.fish"),
    ]
    missing = [p[len(dest):] for p in expected if not os.path.exists(p)]
    tap.ok("the binary, library, header, disputas.pc, layouts, fonts with "
           "licences, label tables and man pages are installed",
           "missing:\n" + "\n".join(missing) if missing else None)

    # 2. pkg-config and the C example.
    pc_env = dict(env, PKG_CONFIG_PATH=os.path.join(lib, "pkgconfig"))
    proc = run(["pkg-config", "--modversion", "disputas"], env=pc_env)
    tap.ok("pkg-config --modversion disputas is %s" % version,
           failure(proc) or (None if proc.stdout.strip() == version
                             else "got %r" % proc.stdout))
    tap.ok("disputas.pc's prefix is where it was installed",
           pc_prefix_problem(pc_env, dest + prefix))
    flags = run(["pkg-config", "--cflags", "--libs", "disputas"], env=pc_env)
    program = os.path.join(scratch, "render-poster")
    problem = failure(flags)
    if not problem:
        extra = ["-fsanitize=" + sanitize] if sanitize != "none" else []
        cc = shlex.split(os.environ.get("CC", "cc"))
        proc = run(cc + ["-std=c99", "-Wall", "-Wextra", "-Wpedantic",
                         "-Werror"] + extra +
                   [os.path.join(source, "examples", "render-poster.c"),
                    "-o", program] + shlex.split(flags.stdout),
                   env=pc_env, cwd=scratch)
        problem = failure(proc)
    tap.ok("examples/render-poster.c builds with "
           "`cc $(pkg-config --cflags --libs disputas)`", problem)

    run_env = dict(env, LD_LIBRARY_PATH=lib)
    work = os.path.join(scratch, "run")
    os.makedirs(work)
    proc = run([program], env=run_env, cwd=work)
    poster = os.path.join(work, "poster.pdf")
    tap.ok("render-poster writes poster.pdf with no DISPUTAS_DATADIR",
           failure(proc))
    tap.ok("poster.pdf: one A4 page, the candidate's name "
           "in its text", check_pdf(poster))

    # 3. Relocation: the staged tree moved outside the build folder.
    moved = tempfile.mkdtemp(prefix="disputas-moved-")
    try:
        shutil.copytree(dest, os.path.join(moved, "tree"), symlinks=True)
        moved_lib = os.path.join(moved, "tree") + prefix + "/" + libdir
        moved_work = os.path.join(moved, "run")
        os.makedirs(moved_work)
        proc = run([program], env=dict(env, LD_LIBRARY_PATH=moved_lib),
                   cwd=moved_work)
        problem = failure(proc)
        if not problem:
            with open(poster, "rb") as a, \
                    open(os.path.join(moved_work, "poster.pdf"), "rb") as b:
                if a.read() != b.read():
                    problem = "a different poster.pdf from the moved tree"
        tap.ok("the installed tree, moved elsewhere, renders the same bytes",
               problem)
        moved_pc_env = dict(env, PKG_CONFIG_PATH=os.path.join(
            moved_lib, "pkgconfig"))
        tap.ok("the moved disputas.pc names the moved tree",
               pc_prefix_problem(moved_pc_env,
                                 os.path.join(moved, "tree") + prefix))
        moved_cli = os.path.join(moved, "tree") + prefix + "/" + bindir + \
            "/disputas"
        tap.ok("the moved CLI starts without LD_LIBRARY_PATH",
               cli_problem(moved_cli, env, moved_work))

        configured = os.path.join(prefix, datadir, "disputas")
        if os.path.exists(configured):
            tap.skip("without its share/disputas the moved tree cannot "
                     "render", "%s exists on this machine" % configured)
        else:
            shutil.rmtree(os.path.join(moved, "tree") + prefix + "/" +
                          datadir + "/disputas")
            os.remove(os.path.join(moved_work, "poster.pdf"))
            proc = run([program], env=dict(env, LD_LIBRARY_PATH=moved_lib),
                       cwd=moved_work)
            tap.ok("without its share/disputas the moved tree cannot render "
                   "(the data came from the install)",
                   None if proc.returncode != 0 and not os.path.exists(
                       os.path.join(moved_work, "poster.pdf"))
                   else "it rendered anyway")
    finally:
        shutil.rmtree(moved, ignore_errors=True)

    # 4. The Python example and the installed CLI.
    if sanitize != "none":
        tap.skip("examples/disputas.py renders through ctypes",
                 "python3 cannot load a sanitized library")
    else:
        py_work = os.path.join(scratch, "python")
        os.makedirs(py_work)
        proc = run([sys.executable,
                    os.path.join(source, "examples", "disputas.py")],
                   env=run_env, cwd=py_work)
        tap.ok("examples/disputas.py renders through ctypes",
               failure(proc) or check_pdf(os.path.join(py_work, "poster.pdf")))
    tap.ok("the installed disputas starts without LD_LIBRARY_PATH and lists "
           "its layouts", cli_problem(staged(bindir, "disputas"), env, work))

    # 5. Man pages.
    if not shutil.which("man"):
        tap.skip("man -l renders the installed man pages", "no man")
        tap.skip("MANPATH=... man disputas finds the page", "no man")
    else:
        problems = []
        for page, words in (
                (staged(mandir, "man1", "disputas.1"),
                 ["DISPUTAS(1)", "EXIT STATUS", "DISPUTAS_DATADIR",
                  "SOURCE_DATE_EPOCH", "DISPUTAS_DEBUG", "--diagnostics"]),
                (staged(mandir, "man5", "disputas-layout.5"),
                 ["DISPUTAS-LAYOUT(5)", "sequence", "docs/layouts.md"]),
                (staged(mandir, "man5", "disputas-announcement.5"),
                 ["DISPUTAS-ANNOUNCEMENT(5)", "parallel-title", "timezone",
                  "docs/announcement.md"])):
            proc = run(["man", "--warnings", "-l", page],
                       env=dict(env, MANWIDTH="80", MANPAGER="cat",
                                PAGER="cat"))
            if proc.returncode or proc.stderr.strip():
                problems.append(failure(proc) or proc.stderr)
            text = proc.stdout.replace("\u2010", "-").replace("\u2212", "-")
            problems += ["%s: no %r" % (os.path.basename(page), w)
                         for w in words if w not in text]
        tap.ok("man -l renders the installed man pages without warnings",
               "\n".join(problems) if problems else None)
        proc = run(["man", "disputas"],
                   env=dict(env, MANPATH=staged(mandir), MANWIDTH="80",
                            MANPAGER="cat", PAGER="cat"))
        tap.ok("MANPATH=PREFIX/%s man disputas finds the page" % mandir,
               failure(proc) or (None if "disputas render" in proc.stdout
                                 else proc.stdout[:300]))

    print("1..%d" % tap.count)
    if not tap.failed:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())

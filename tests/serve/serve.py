#!/usr/bin/env python3
"""`disputas serve` under good and bad requests (suite 'serve').

    serve.py DISPUTAS SOURCE_ROOT WORK_DIR

Starts the service on a free port with small limits and sends it, a few
at a time, what a render service meets: good renders (their bytes must
be the command line's for the same input), a form with images, checks,
and every kind of bad request (malformed YAML, files outside the root,
unknown layouts and parameters, an empty body, bodies too large, plain
or chunked, compressed bodies, broken forms, a decompression bomb, too
many pages or pixels, wrong methods and paths, garbage, a client too
slow to finish its request).  Each bad request must get its status and
a message saying what was wrong, the good ones going on beside them; the
service's memory must come back near where it was after a warm-up; and
SIGTERM during a render must let that render finish, then stop the
service with status 0 and nothing on stderr from the sanitizers.
"""
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib

EPOCH = "1700000000"  # the same creation date for the CLI and the service
BAD_YAML = "institution:\n  name: [University of Agder\ncandidate: x\n"


def png_bomb(width, height):
    """A grey PNG of width x height pixels, all zero: a few hundred KB
    that decode to width * height bytes."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    row = b"\0" * (width + 1)
    z = zlib.compressobj(9)
    data = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                       0, 0)) +
            chunk(b"IDAT", data) + chunk(b"IEND", b""))


def multipart(fields):
    """(content type, body) of a multipart/form-data form: fields are
    (name, filename or None, bytes)."""
    boundary = "disputas-test-boundary-7d1"
    out = b""
    for name, filename, data in fields:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


class Service:
    def __init__(self, disputas, work, args):
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        # Under AddressSanitizer, freed memory waits in a quarantine (256
        # MB by default) before it is reused or given back: a smaller one,
        # given back soon, so the memory check below means something.
        env["ASAN_OPTIONS"] = ":".join(filter(None, [
            env.get("ASAN_OPTIONS"), "quarantine_size_mb=16",
            "allocator_release_to_os_interval_ms=50"]))
        self.stderr_path = os.path.join(work, "serve.stderr")
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [disputas, "serve", "--port", "0"] + args, cwd=work, env=env,
            stdout=subprocess.PIPE, stderr=self.stderr)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise SystemExit(f"serve printed {line!r}, not its address")
        self.port = int(m.group(1))

    def request(self, method, path, body=None, headers=None, timeout=300):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {},
                         encode_chunked=headers is not None and
                         headers.get("Transfer-Encoding") == "chunked")
            r = conn.getresponse()
            return r.status, r.getheader("Content-Type") or "", r.read()
        finally:
            conn.close()

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    def stderr_text(self):
        self.stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


class Test:
    def __init__(self, disputas, root, work):
        self.disputas, self.root, self.work = disputas, root, work
        self.failures = []

    def expect(self, ok, what):
        if not ok:
            self.failures.append(what)
        return ok

    def cli(self, args):
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        subprocess.run([self.disputas] + args + ["-q"], cwd=self.work,
                       env=env, check=True, timeout=300)

    def read(self, *parts):
        with open(os.path.join(*parts), "rb") as f:
            return f.read()

    def expect_error(self, got, status, message, what):
        """A bad request's answer: `status`, JSON with the status and an
        error matching `message`."""
        code, ctype, body = got
        try:
            data = json.loads(body)
        except ValueError:
            data = {}
        text = data.get("error", "") + " ".join(
            d.get("message", "") for d in data.get("diagnostics", []))
        self.expect(code == status and ctype.startswith("application/json")
                    and data.get("status") == status
                    and re.search(message, text) is not None,
                    f"{what}: {code} {ctype} {body[:300]!r}, expected "
                    f"{status} and /{message}/")


def main():
    disputas, root, work = sys.argv[1:]
    disputas = os.path.abspath(disputas)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    t = Test(disputas, root, work)
    seed = t.read(root, "samples", "seed.yaml")
    photo_doc = t.read(root, "samples", "logo-photo.yaml")
    images = {name: t.read(root, "samples", "images", name)
              for name in ("nordvik-logo.svg", "portrait.jpg")}

    # What the command line makes of the same inputs.
    t.cli(["render", os.path.join(root, "samples", "seed.yaml"),
           "-o", "seed.pdf"])
    t.cli(["render", os.path.join(root, "samples", "seed.yaml"),
           "-o", "seed.png", "--dpi", "20"])
    t.cli(["render", os.path.join(root, "samples", "logo-photo.yaml"),
           "-o", "photo.pdf"])
    t.cli(["render", os.path.join(root, "samples", "seed.yaml"),
           "-l", "booklet", "-o", "booklet.svg"])
    expected = {name: t.read(work, name)
                for name in ("seed.pdf", "seed-1.png", "photo.pdf",
                             "booklet-2.svg")}

    svc = Service(disputas, work,
                  ["--jobs", "2", "--max-body", "1", "--max-pages", "12",
                   "--max-pixels", "40", "--read-timeout", "3"])
    try:
        run_cases(t, svc, seed, photo_doc, images, expected)
    finally:
        if svc.proc.poll() is None:
            svc.proc.kill()
            svc.proc.wait()
    timeout_cases(t, disputas, work, seed, expected)
    for f in t.failures:
        print("FAIL:", f)
    print(f"{len(t.failures)} failures")
    sys.exit(1 if t.failures else 0)


def run_cases(t, svc, seed, photo_doc, images, expected):
    # Warm-up: fonts, layouts and dictionaries loaded once.
    got = svc.request("POST", "/render", seed)
    t.expect(got[0] == 200 and got[2] == expected["seed.pdf"],
             f"warm-up render: {got[0]} {got[1]}")
    svc.request("POST", "/check", seed)
    rss_start = svc.rss_kb()

    # The good requests.
    got = svc.request("GET", "/health")
    t.expect(got[0] == 200 and json.loads(got[2])["status"] == "ok",
             f"health: {got}")
    got = svc.request("GET", "/layouts")
    names = [l["name"] for l in json.loads(got[2])["layouts"]]
    t.expect(got[0] == 200 and names == ["poster", "booklet",
                                         "booklet-print"],
             f"layouts: {got}")
    got = svc.request("POST", "/render?layout=poster&format=png&dpi=20",
                      seed)
    t.expect(got[:2] == (200, "image/png") and
             got[2] == expected["seed-1.png"],
             f"png render: {got[:2]}, {len(got[2])} bytes, not the CLI's "
             f"{len(expected['seed-1.png'])}")
    # One page of several, as its own file: the CLI's second page.
    got = svc.request("POST", "/render?layout=booklet&format=svg&page=2",
                      seed)
    t.expect(got[:2] == (200, "image/svg+xml") and
             got[2] == expected["booklet-2.svg"],
             f"page 2 of the booklet as SVG: {got[:2]}, {len(got[2])} "
             f"bytes, not the CLI's {len(expected['booklet-2.svg'])}")
    t.expect_error(svc.request("POST", "/render?layout=booklet&format=svg",
                               seed), 422, "page=N",
                   "several SVG pages without page=N")
    t.expect_error(svc.request("POST", "/render?layout=booklet&format=svg&"
                               "page=99", seed), 422, "not 99",
                   "a page after the last")
    t.expect_error(svc.request("POST", "/render?page=1", seed), 400,
                   "PNG and SVG", "page= for a PDF")
    ctype, form = multipart(
        [("document", "logo-photo.yaml", photo_doc)] +
        [("file", "images/" + n, d) for n, d in images.items()])
    got = svc.request("POST", "/render", form, {"Content-Type": ctype})
    t.expect(got[:2] == (200, "application/pdf") and
             got[2] == expected["photo.pdf"],
             f"form with images: {got[0]} {got[2][:300]!r}")
    got = svc.request("POST", "/check?layout=booklet", seed)
    data = json.loads(got[2]) if got[0] == 200 else {}
    t.expect(got[0] == 200 and data.get("ok") is True and
             data.get("errors") == 0, f"check: {got}")

    # Malformed YAML: diagnostics at the user's line.
    got = svc.request("POST", "/check", BAD_YAML.encode())
    data = json.loads(got[2]) if got[0] == 200 else {}
    diags = data.get("diagnostics", [])
    t.expect(got[0] == 200 and data.get("ok") is False and diags and
             diags[0]["file"] == "announcement.yaml" and
             diags[0]["line"] in (2, 3) and diags[0]["column"] > 0 and
             diags[0]["severity"] == "error", f"check, bad YAML: {got}")
    t.expect_error(svc.request("POST", "/render", BAD_YAML.encode()), 422,
                   r"flow|\]", "render, bad YAML")
    # Files: only those sent, inside the request's folder.
    t.expect_error(svc.request("POST", "/render", photo_doc), 422,
                   r"nordvik-logo\.svg|portrait\.jpg",
                   "images not sent")
    outside = photo_doc.replace(b"images/portrait.jpg",
                                b"/usr/share/pixmaps/debian-logo.png")
    t.expect_error(svc.request("POST", "/render", outside), 422,
                   r"debian-logo|outside|absolute|relative",
                   "an absolute image path")
    up = photo_doc.replace(b"images/portrait.jpg", b"../../../etc/passwd")
    t.expect_error(svc.request("POST", "/render", up), 422,
                   r"passwd|outside|\.\.", "an image path with ..")

    # Bad requests.
    t.expect_error(svc.request("POST", "/render?layout=../../etc/passwd",
                               seed), 400, "not a built-in layout",
                   "a layout path")
    t.expect_error(svc.request("POST", "/render?format=gif", seed), 400,
                   "format takes", "format=gif")
    t.expect_error(svc.request("POST", "/render?format=png&dpi=99999", seed),
                   400, "dpi takes", "dpi=99999")
    t.expect_error(svc.request("POST", "/render?impose=twice", seed), 400,
                   "impose takes", "impose=twice")
    t.expect_error(svc.request("POST", "/render?colour=red", seed), 400,
                   "unknown parameter 'colour'", "unknown parameter")
    t.expect_error(svc.request("POST", "/render", b""), 400, "empty",
                   "an empty body")
    big = b"# " + b"x" * (2 << 20) + b"\n"
    t.expect_error(svc.request("POST", "/render", big), 413, "larger than",
                   "a body over --max-body")
    chunks = (big[i:i + 65536] for i in range(0, len(big), 65536))
    t.expect_error(svc.request("POST", "/render", chunks,
                               {"Transfer-Encoding": "chunked"}), 413,
                   "larger than", "a chunked body over --max-body")
    t.expect_error(svc.request("POST", "/render", zlib.compress(seed),
                               {"Content-Encoding": "deflate"}), 415,
                   "Content-Encoding", "a compressed body")
    t.expect_error(svc.request("POST", "/render", b"--x\r\ngarbage",
                               {"Content-Type": "multipart/form-data; "
                                                "boundary=y"}), 400,
                   "multipart", "a broken form")
    ctype, form = multipart([("document", None, seed),
                             ("file", "../escape.png", b"x")])
    t.expect_error(svc.request("POST", "/render", form,
                               {"Content-Type": ctype}), 400,
                   "cannot be a file's name", "a file named ../")
    ctype, form = multipart([("file", "a.png", b"x")])
    t.expect_error(svc.request("POST", "/render", form,
                               {"Content-Type": ctype}), 400,
                   "no 'document'", "a form without a document")
    bomb_doc = photo_doc.replace(b"images/portrait.jpg", b"bomb.png")
    ctype, form = multipart(
        [("document", None, bomb_doc), ("file", "bomb.png",
                                        png_bomb(9000, 9000)),
         ("file", "images/nordvik-logo.svg", images["nordvik-logo.svg"])])
    t.expect_error(svc.request("POST", "/render", form,
                               {"Content-Type": ctype}), 422,
                   r"pixels|too large|larger", "a decompression bomb")
    t.expect_error(svc.request("POST", "/render?format=png&dpi=2400", seed),
                   422, "million pixels", "a PNG over --max-pixels")
    with open(os.path.join(t.root, "samples", "minimal.yaml"), "rb") as f:
        minimal = f.read()
    long_summary = minimal + b"\nsummary: |\n" + b"".join(
        b"  Paragraph %d of a summary far too long for four pages, with "
        b"enough words in it to fill a few lines of the booklet's text "
        b"column, again and again and again.\n\n" % i for i in range(300))
    t.expect_error(svc.request("POST", "/render?layout=booklet",
                               long_summary), 422, "at most 12",
                   "a booklet over --max-pages")
    t.expect_error(svc.request("DELETE", "/render"), 405, "takes POST",
                   "DELETE /render")
    t.expect_error(svc.request("GET", "/etc/passwd"), 404, "no such",
                   "an unknown path")
    with socket.create_connection(("127.0.0.1", svc.port), timeout=30) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        reply = s.recv(100)
        t.expect(re.match(rb"HTTP/1\.[01] 400 ", reply) is not None,
                 f"garbage: {reply!r}")

    # A slow client holds nothing: one that trickles its request in (a
    # byte each half second, never silent for long) is cut off after
    # --read-timeout all the same, and others are served meanwhile.
    slow = socket.create_connection(("127.0.0.1", svc.port), timeout=30)
    slow.sendall(b"POST /render HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Length: 1000\r\n\r\n")
    started = time.monotonic()
    got = svc.request("GET", "/health")
    t.expect(got[0] == 200, f"health beside a slow client: {got}")
    slow.settimeout(0.5)
    reply = None
    while reply is None and time.monotonic() - started < 20:
        try:
            slow.sendall(b"e")
            reply = slow.recv(100)
        except socket.timeout:
            pass
        except OSError:
            reply = b""
    waited = time.monotonic() - started
    t.expect(reply == b"" and waited < 10,
             f"slow client: {reply!r} after {waited:.1f} s")
    slow.close()

    # Several at once, good and bad mixed: each gets its own answer.
    def one(i):
        if i % 2:
            return svc.request("POST", "/render", seed)
        return svc.request("POST", "/render", BAD_YAML.encode())
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(one, range(6)))
    for i, got in enumerate(results):
        if i % 2:
            t.expect(got[0] == 200 and got[2] == expected["seed.pdf"],
                     f"parallel render {i}: {got[0]} {got[2][:200]!r}")
        else:
            t.expect_error(got, 422, r"flow|\]", f"parallel bad {i}")

    # Memory back near where the warm-up left it.
    time.sleep(0.5)
    rss_end = svc.rss_kb()
    t.expect(rss_end < rss_start * 1.5 + 30 * 1024,
             f"RSS grew from {rss_start} kB to {rss_end} kB")
    print(f"RSS after the warm-up {rss_start} kB, after the run {rss_end} kB")

    # SIGTERM during a render: the render is answered, then it stops.
    answer = {}

    def late():
        answer["got"] = svc.request("POST", "/render?layout=booklet", seed)
    thread = threading.Thread(target=late)
    thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        health = json.loads(svc.request("GET", "/health")[2])
        if health["busy"] or health["queued"]:
            break
        time.sleep(0.01)
    svc.proc.send_signal(signal.SIGTERM)
    thread.join(300)
    got = answer.get("got", (None, "", b""))
    t.expect(got[:2] == (200, "application/pdf"),
             f"render under way at SIGTERM: {got[:2]} {got[2][:200]!r}")
    # Nothing else under way (the slow client above is done with): it
    # stops at once, not after the 30 s a drain may wait.
    answered = time.monotonic()
    try:
        status = svc.proc.wait(120)
    except subprocess.TimeoutExpired:
        status = "still running"
    t.expect(time.monotonic() - answered < 10,
             f"stopped {time.monotonic() - answered:.1f} s after the last "
             "answer")
    err = svc.stderr_text()
    t.expect(status == 0 and "stopped (SIGTERM)" in err,
             f"SIGTERM: exit {status}")
    t.expect(not re.search(r"Sanitizer|runtime error|CRITICAL|WARNING", err),
             f"serve's stderr:\n{err[-3000:]}")


def timeout_cases(t, disputas, work, seed, expected):
    """--timeout stops the render itself, not only its answer: with one
    worker, a document that takes seconds to lay out is answered 503 after
    1 s, the library stops at the same deadline (counted in /health's
    timed_out, which only the library's stop counts), the worker is free
    again and the next request renders as ever."""
    svc = Service(disputas, work, ["--jobs", "1", "--timeout", "1",
                                   "--max-pages", "1000"])
    try:
        words = " ".join(f"word{i}" for i in range(80))
        dense = ("institution:\n  name: University of Agder\n"
                 "candidate:\n  name: Maren Tollefsen Eide\n"
                 "thesis:\n  title: Wind, Waves and Winches\n"
                 "events:\n  - kind: public-defence\n"
                 "    start: 2026-01-16T13:00\n"
                 "summary: |\n") + "".join(
            f"  Paragraph {i} {words}.\n\n" for i in range(6000))
        got = svc.request("POST", "/render?layout=booklet", dense.encode())
        t.expect_error(got, 503, r"took longer than 1 s",
                       "a render past --timeout")
        health = {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            health = json.loads(svc.request("GET", "/health")[2])
            if not health["busy"] and not health["queued"]:
                break
            time.sleep(0.05)
        t.expect(health.get("timed_out") == 1 and not health.get("busy"),
                 f"the render past --timeout was not stopped: {health}")
        got = svc.request("POST", "/render", seed)
        t.expect(got[0] == 200 and got[2] == expected["seed.pdf"],
                 f"render after a stopped one: {got[0]} {got[2][:200]!r}")
        svc.proc.send_signal(signal.SIGTERM)
        status = svc.proc.wait(120)
        err = svc.stderr_text()
        t.expect(status == 0 and not re.search(
            r"Sanitizer|runtime error|CRITICAL|WARNING", err),
            f"serve with --timeout 1: exit {status}, stderr:\n{err[-3000:]}")
    finally:
        if svc.proc.poll() is None:
            svc.proc.kill()
            svc.proc.wait()


if __name__ == "__main__":
    main()

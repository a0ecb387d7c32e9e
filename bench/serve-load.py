#!/usr/bin/env python3
"""bench/serve-load.py: `disputas serve` under load, good and bad mixed.

Starts `disputas serve` on a free port and sends it REQUESTS requests
(default 2,000), CONCURRENCY at a time (default 16), drawn at random
(seeded, so every run sends the same) from:

  - renders of every sample in every built-in layout, as PDF, and some
    as PNG (72 dpi), SVG or trace; samples with images as a multipart
    form with their files; checks;
  - malformed YAML, documents over the body limit, long documents over
    the page limit, decompression bombs (a 9,000 x 9,000 PNG of a few
    hundred KB), PNGs over the pixel limit, unknown layouts and
    parameters, compressed bodies, garbage, wrong methods;
  - slow clients: some send their body a little at a time over a second
    (and must be served), some stop half way (and must be cut off after
    --read-timeout, holding nothing).

Every answer's status is checked against what the request deserves, and
every successful render byte for byte against what `disputas render`
makes of the same input (made first, once per input).  Reports requests
a second, latency (p50, p99), the service's peak RSS (VmHWM), answers
with the wrong status, wrong bytes, and whether the service crashed.
Exits non-zero on any wrong answer or crash.

Usage: bench/serve-load.py [--build DIR] [--requests N] [--concurrency N]
                           [--jobs N]
Needs only Python's standard library.  Run it on an idle machine.
"""
import argparse
import concurrent.futures
import http.client
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EPOCH = "1700000000"
LAYOUTS = ["poster", "booklet", "booklet-print"]
MAX_BODY_MIB = 2
MAX_PAGES = 40
READ_TIMEOUT = 5


def png_bomb(width, height):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    z = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    data = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                       0, 0)) +
            chunk(b"IDAT", data) + chunk(b"IEND", b""))


def multipart(fields):
    boundary = "disputas-load-boundary-41c"
    out = b""
    for name, filename, data in fields:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                "\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


class Request:
    """One request and what it deserves."""
    def __init__(self, kind, path, body=b"", headers=None, status=200,
                 expected=None, method="POST", slow=None):
        self.kind, self.path, self.body = kind, path, body
        self.headers = headers or {}
        self.status, self.expected = status, expected
        self.method, self.slow = method, slow


def sample_inputs(work, disputas):
    """Good requests, each with the CLI's bytes for the same input."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    samples = sorted(f for f in os.listdir(os.path.join(ROOT, "samples"))
                     if f.endswith(".yaml"))
    images = {}
    for name in os.listdir(os.path.join(ROOT, "samples", "images")):
        with open(os.path.join(ROOT, "samples", "images", name), "rb") as f:
            images["images/" + name] = f.read()
    good, cli_runs = [], []
    for sample in samples:
        with open(os.path.join(ROOT, "samples", sample), "rb") as f:
            doc = f.read()
        stem = sample[:-5]
        has_images = b"images/" in doc
        variants = [(l, "pdf", None) for l in LAYOUTS]
        variants += [("poster", "png", 72), ("poster", "svg", None),
                     ("booklet", "trace", None)]
        for layout, fmt, dpi in variants:
            out = os.path.join(work, f"{stem}.{layout}.{fmt}")
            args = [disputas, "render", os.path.join(ROOT, "samples", sample),
                    "-l", layout, "-q"]
            if fmt == "trace":
                args += ["-o", out, "-f", "trace"]
            else:
                args += ["-o", out]
            if dpi:
                args += ["--dpi", str(dpi)]
            query = f"/render?layout={layout}&format={fmt}"
            if dpi:
                query += f"&dpi={dpi}"
            cli_runs.append((args, out, fmt, query, doc, has_images))
        good.append(("check", doc, has_images))
    # The CLI's outputs, two at a time.
    def run(entry):
        args, out, fmt, query, doc, has_images = entry
        proc = subprocess.run(args, env=env, capture_output=True, timeout=600)
        if proc.returncode != 0:
            return None
        path = out
        if fmt in ("png", "svg"):
            base, ext = os.path.splitext(out)
            if os.path.exists(base + "-2" + ext):
                return None  # several pages: the service gives one buffer
            path = base + "-1" + ext
        with open(path, "rb") as f:
            return f.read()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outputs = list(pool.map(run, cli_runs))
    requests = []
    for (args, out, fmt, query, doc, has_images), data in zip(cli_runs,
                                                              outputs):
        if data is None:
            continue
        requests.append(make_good(query, doc, has_images, images, data))
    for _, doc, has_images in good:
        requests.append(make_good("/check", doc, has_images, images, None))
    return requests, images


def make_good(path, doc, has_images, images, expected):
    kind = "check" if path.startswith("/check") else "render"
    if has_images:
        ctype, body = multipart([("document", None, doc)] +
                                [("file", n, d) for n, d in images.items()])
        return Request(kind + "-form", path, body, {"Content-Type": ctype},
                       200, expected)
    return Request(kind, path, doc, {"Content-Type": "application/yaml"},
                   200, expected)


def bad_requests(images):
    with open(os.path.join(ROOT, "samples", "seed.yaml"), "rb") as f:
        seed = f.read()
    with open(os.path.join(ROOT, "samples", "logo-photo.yaml"), "rb") as f:
        photo = f.read()
    long_doc = seed + b"\nsummary: |\n" + b"".join(
        b"  Paragraph %d of a summary far too long for the page limit, with "
        b"words enough to fill a few lines of the booklet's column, again "
        b"and again and again and again.\n\n" % i for i in range(1500))
    bomb = png_bomb(9000, 9000)
    bomb_doc = photo.replace(b"images/portrait.jpg", b"bomb.png")
    ctype, bomb_form = multipart(
        [("document", None, bomb_doc), ("file", "bomb.png", bomb),
         ("file", "images/nordvik-logo.svg",
          images["images/nordvik-logo.svg"])])
    huge = b"# " + b"x" * ((MAX_BODY_MIB << 20) + 100) + b"\n"
    return [
        Request("malformed", "/render", b"title: [unclosed\nx: {\n", status=422),
        Request("malformed-check", "/check", b"a: b: c\n", status=200),
        Request("huge", "/render", huge, status=413),
        Request("long", "/render?layout=booklet", long_doc, status=422),
        Request("bomb", "/render", bomb_form, {"Content-Type": ctype},
                status=422),
        Request("pixels", "/render?format=png&dpi=2400", seed, status=422),
        Request("layout", "/render?layout=/etc/passwd", seed, status=400),
        Request("param", "/render?colour=red", seed, status=400),
        Request("deflate", "/render", zlib.compress(seed),
                {"Content-Encoding": "deflate"}, status=415),
        Request("no-image", "/render", photo, status=422),
        Request("method", "/render", method="GET", status=405),
        Request("garbage", "", status=400),
        Request("slow", "/check", seed, status=200, slow="trickle"),
        Request("stalled", "/render", seed, status=None, slow="stall"),
    ]


def send(port, req):
    """(status or None for a closed connection, body, seconds)."""
    started = time.monotonic()
    if req.kind == "garbage":
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            s.sendall(b"\x16\x03\x01 not HTTP at all\r\n\r\n")
            reply = s.recv(4096)
        m = re.match(rb"HTTP/1\.[01] (\d+)", reply)
        return (int(m.group(1)) if m else None), b"", \
            time.monotonic() - started
    if req.slow:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            head = (f"POST {req.path} HTTP/1.1\r\nHost: x\r\n"
                    f"Content-Length: {len(req.body)}\r\n"
                    "Connection: close\r\n\r\n").encode()
            s.sendall(head)
            if req.slow == "stall":
                s.sendall(req.body[:len(req.body) // 2])
            else:
                step = max(1, len(req.body) // 10)
                for i in range(0, len(req.body), step):
                    s.sendall(req.body[i:i + step])
                    time.sleep(0.1)
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        m = re.match(rb"HTTP/1\.[01] (\d+)", reply)
        return (int(m.group(1)) if m else None), reply, \
            time.monotonic() - started
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request(req.method, req.path,
                     body=req.body if req.method == "POST" else None,
                     headers=req.headers)
        r = conn.getresponse()
        body = r.read()
        return r.status, body, time.monotonic() - started
    except (ConnectionError, socket.timeout):
        return None, b"", time.monotonic() - started
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    disputas = os.path.join(args.build, "disputas")

    with tempfile.TemporaryDirectory() as work:
        print("making the command line's outputs ...", file=sys.stderr)
        good, images = sample_inputs(work, disputas)
        bad = bad_requests(images)
        rng = random.Random(19)
        plan = []
        for i in range(args.requests):
            # Three good requests in four; stalled clients rare.
            if rng.random() < 0.75:
                plan.append(rng.choice(good))
            else:
                r = rng.choice(bad)
                if r.kind == "stalled" and rng.random() < 0.7:
                    r = bad[0]
                plan.append(r)

        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        proc = subprocess.Popen(
            [disputas, "serve", "--port", "0", "--quiet",
             "--jobs", str(args.jobs), "--queue", "1000",
             "--max-body", str(MAX_BODY_MIB), "--max-pages", str(MAX_PAGES),
             "--read-timeout", str(READ_TIMEOUT)],
            env=env, stdout=subprocess.PIPE)
        line = proc.stdout.readline().decode()
        port = int(re.search(r":(\d+)/", line).group(1))

        results = [None] * len(plan)
        lock = threading.Lock()
        started = time.monotonic()

        def one(i):
            got = send(port, plan[i])
            with lock:
                results[i] = got
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, range(len(plan))))
        elapsed = time.monotonic() - started

        crashed = proc.poll() is not None
        with open(f"/proc/{proc.pid}/status") as f:
            status_text = f.read()
        peak_kb = int(re.search(r"VmHWM:\s+(\d+)", status_text).group(1))
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", status_text).group(1))
        proc.send_signal(signal.SIGTERM)
        exit_status = proc.wait(120)
        crashed = crashed or exit_status != 0

    wrong_status, wrong_bytes, by_kind = [], 0, {}
    latencies = sorted(r[2] for r in results)
    for req, (status, body, seconds) in zip(plan, results):
        by_kind.setdefault(req.kind, []).append(seconds)
        if status != req.status:
            wrong_status.append(f"{req.kind} {req.path}: {status}, expected "
                                f"{req.status}: {body[:200]!r}")
        elif status == 200 and req.expected is not None and \
                body != req.expected:
            wrong_bytes += 1
    p = lambda q: latencies[min(len(latencies) - 1,
                                int(q * len(latencies)))] * 1000
    print(f"{len(plan)} requests, {args.concurrency} at a time, "
          f"{args.jobs} workers, in {elapsed:.1f} s")
    print(f"  throughput   {len(plan) / elapsed:.1f} requests/s")
    print(f"  latency      p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")
    print(f"  peak RSS     {peak_kb / 1024:.1f} MB (at the end "
          f"{rss_kb / 1024:.1f} MB)")
    print(f"  wrong status {len(wrong_status)}")
    print(f"  wrong bytes  {wrong_bytes} (of "
          f"{sum(1 for r in plan if r.expected is not None)} renders "
          "compared with the CLI)")
    print(f"  crashed      {'yes' if crashed else 'no'} (exit status "
          f"{exit_status} after SIGTERM)")
    for kind in sorted(by_kind):
        t = sorted(by_kind[kind])
        print(f"    {kind:16} {len(t):5}  p50 {t[len(t) // 2] * 1000:7.0f} ms")
    for w in wrong_status[:20]:
        print("  ", w)
    sys.exit(1 if wrong_status or wrong_bytes or crashed else 0)


if __name__ == "__main__":
    main()

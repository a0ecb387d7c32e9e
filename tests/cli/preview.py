#!/usr/bin/env python3
"""disputas preview, driven in headless Chromium: the page shows every
product's pages with a link to each PDF; an edit to the YAML changes the
poster's picture in the open page, without reloading it, within two
seconds (beyond the time the build itself takes); a broken edit shows
the problem at its line with the source line, and the fix clears it and
shows the new picture.

    preview.py DISPUTAS CHROMIUM WORK_DIR

Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ended by NUL on file descriptors
3 and 4), so nothing but Chromium itself is needed.  The two seconds
are what the preview adds to laying out and drawing the poster (the
build time it reports, which a busy machine or ASan stretches and
bench/preview-latency.py measures): noticing the save, answering the
page, the page fetching, decoding and showing the picture.
PREVIEW_DEADLINE (seconds) changes them.  Every other wait is bounded
generously (a failure, never a hang).  The picture is compared through
a canvas in the page: the pixels of what the page shows, not the
server's files.
"""
import fcntl
import http.client
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

disputas, chromium, work = (os.path.abspath(sys.argv[1]), sys.argv[2],
                            sys.argv[3])
if not shutil.which(chromium):
    print("1..0 # SKIP no Chromium (scripts/deps.sh installs Debian's)")
    sys.exit(77)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
DEADLINE = float(os.environ.get("PREVIEW_DEADLINE", "2"))

DOC = """\
institution:
  name: University of Agder
candidate:
  name: Maren Tollefsen Eide
thesis:
  title: {title}
events:
  - kind: public-defence
    start: 2026-01-16T13:00
"""
doc = os.path.join(work, "doc.yaml")


def write(title):
    with open(doc + ".tmp", "w", encoding="utf-8") as f:
        f.write(DOC.format(title=title))
    os.replace(doc + ".tmp", doc)


class Browser:
    """Headless Chromium with one page, over the DevTools pipe."""

    def __init__(self, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # Out of the way first: either pipe may be numbered 3 or 4.
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--user-data-dir=" + profile,
             "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking",
             "--disable-dev-shm-usage", "--window-size=1200,900",
             "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.last_id = 0
        self.session = None

    def send(self, method, params=None, session=True, timeout=60):
        self.last_id += 1
        message = {"id": self.last_id, "method": method,
                   "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        limit = time.monotonic() + timeout
        while True:
            while b"\0" not in self.buffer:
                left = limit - time.monotonic()
                if left <= 0:
                    raise RuntimeError("Chromium did not answer " + method)
                ready, _, _ = select.select([self.from_child], [], [], left)
                if ready:
                    chunk = os.read(self.from_child, 65536)
                    if not chunk:
                        raise RuntimeError("Chromium closed the pipe")
                    self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply["result"]

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"},
                           session=False)["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.send("Page.navigate", {"url": url})

    def eval(self, expression):
        result = self.send("Runtime.evaluate",
                           {"expression": expression, "awaitPromise": True,
                            "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError("in the page: %s"
                               % result["exceptionDetails"].get("text"))
        return result["result"].get("value")

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=10)
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# What the page shows, read in the page: the build on screen, the
# problems' text, the sections and their PDF links, and a digest of the
# poster's first page as drawn on a canvas.
LOOK = r"""(async () => {
  // Before the page has loaded (about:blank, or the page half read),
  // nothing is on screen yet.
  const body = document.body;
  const box = document.getElementById('problems');
  if (!body || !box || !body.dataset.build)
    return {build: 0, ok: null, ms: 0, problems: '', products: [],
            digest: null};
  const img = document.querySelector(
      'section[data-product="poster"] img[data-page="1"]');
  let digest = null;
  if (img && img.complete && img.naturalWidth) {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < px.length; i += 4)
      h = (Math.imul(h, 31) + px[i] + 3 * px[i + 1] + 7 * px[i + 2]) | 0;
    digest = c.width + 'x' + c.height + ':' + h;
  }
  return {
    build: Number(body.dataset.build),
    ok: body.dataset.ok,
    ms: Number(body.dataset.ms || 0),
    problems: box.innerText,
    products: [...document.querySelectorAll('section')].map(
        (s) => [s.dataset.product, s.querySelectorAll('img').length,
                s.querySelector('a.pdf').getAttribute('href')]),
    digest: digest,
  };
})()"""

failures = []
write("Wind, Waves and Winches")
server = subprocess.Popen([disputas, "preview", doc], cwd=work,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
browser = None


def wait_for(what, test, limit=60):
    """Polls the page until test(look) holds; the look and the seconds it
    took, or a failure after `limit` seconds."""
    start = time.monotonic()
    look = None
    while time.monotonic() - start < limit:
        look = browser.eval(LOOK)
        if test(look):
            return look, time.monotonic() - start
        time.sleep(0.03)
    failures.append("%s: not within %.1f s; the page shows %r"
                    % (what, limit, look))
    return None, None


try:
    line = server.stdout.readline()
    m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not m:
        raise RuntimeError("no address from disputas preview: %r %r"
                           % (line, server.stderr.read()))
    url = m.group(1) + "/"
    # A request addressed to another name (DNS rebinding) is refused.
    port = int(url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/state", headers={"Host": "evil.example:%d" % port})
    refused = conn.getresponse().status
    conn.close()
    if refused != 403:
        failures.append("a request for evil.example: %d, not 403" % refused)
    browser = Browser(profile)
    browser.open(url)
    # 1. The page shows every product, each with its pages and PDF link.
    # The page's sections fill in as their pictures arrive: it is read
    # once every product shows its pages, or at the limit.
    least_pages = (("poster", 1), ("booklet", 4), ("booklet-print", 2))

    def all_shown(l):
        shown = {name: pages for name, pages, _ in l["products"]}
        return all(shown.get(name, 0) >= least for name, least in least_pages)

    look, _ = wait_for("the first build", lambda l: l["build"] >= 1 and
                       l["digest"] and all_shown(l), 120)
    if look:
        products = {name: (pages, pdf) for name, pages, pdf in look["products"]}
        for name, least in least_pages:
            pages, pdf = products.get(name, (0, None))
            if pages < least:
                failures.append("%s: %d pages shown" % (name, pages))
            if not pdf or not browser.eval(
                    "fetch(%s).then(r => r.arrayBuffer()).then(b => "
                    "new TextDecoder().decode(b.slice(0, 5)))"
                    % json.dumps(pdf)) == "%PDF-":
                failures.append("%s: its PDF link %r gives no PDF"
                                % (name, pdf))
        first = look
        # 2. An edit changes the picture, without a reload, in time.
        browser.eval("window.previewMark = 1")
        write("Tides and Turbines")
        look, took = wait_for(
            "the edited title", lambda l: l["build"] > first["build"] and
            l["digest"] != first["digest"])
        if look and browser.eval("window.previewMark") != 1:
            failures.append("the page was reloaded")
        if look and took - look["ms"] / 1000 > DEADLINE:
            failures.append("the edited title was on screen %.0f ms after "
                            "the save, %.0f ms more than its build took"
                            % (took * 1000, took * 1000 - look["ms"]))
        edited = look or first
        # 3. A broken edit: the problem at its line, with the source line.
        write("Tides: and Turbines")
        look, _ = wait_for("the broken edit's problem",
                           lambda l: "doc.yaml:6:" in l["problems"] and
                           l["ok"] == "false")
        if look:
            if "title: Tides: and Turbines" not in look["problems"]:
                failures.append("broken edit: no source line in %r"
                                % look["problems"])
        # 4. The fix clears it and shows the fixed title.
        write('"Tides: and Turbines"')
        look, _ = wait_for(
            "the fix", lambda l: l["problems"] == "" and l["ok"] == "true"
            and l["digest"] not in (edited["digest"], first["digest"]))
        if took is not None:
            print("# the edited title was on screen %.0f ms after the save "
                  "(its build: %.0f ms)" % (took * 1000, edited["ms"]))
except (RuntimeError, OSError) as e:
    failures.append(str(e))
finally:
    if browser:
        browser.close()
    server.send_signal(signal.SIGINT)
    try:
        status = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        status = server.wait()
    shutil.rmtree(profile, ignore_errors=True)
if status != 0:
    failures.append("SIGINT: exit %d, not 0" % status)
if failures:
    sys.exit("\n".join(failures) + "\n--- disputas preview said:\n" +
             server.stderr.read())
print("ok: preview in Chromium: every product and its PDF, an edit, a "
      "broken edit at its line, the fix")

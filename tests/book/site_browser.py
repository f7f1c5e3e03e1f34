"""A small headless-Chromium driver over the DevTools protocol, for the site tests.

It needs Debian's ``chromium`` (``.ci/run`` installs it) and ``websocket-client``
(a course dependency); no browser is downloaded. The browser runs offline: every
host name but ``127.0.0.1`` resolves to nothing, so a page that needs a CDN fails
to load it and logs an error, which the tests count.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import websocket

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Offline: no name resolves except the local server's address.
OFFLINE_RULES = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
WIDTHS = (1280, 390)  # a desktop and a phone

# What the browser measures on a page after it is loaded and typeset.
PAGE_PROBE = r"""(() => {
  const main = document.querySelector('main') || document.body;
  const article = document.querySelector('.bd-article') || main;
  const visible = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const text = article.innerText;
  return {
    url: location.href,
    title: document.title,
    h1: Array.from(article.querySelectorAll('h1')).map(h => h.innerText.replace(/#$/, '').trim()),
    text: text,
    raw_math: (text.match(/\\\(|\\\)|\\\[|\$\$/g) || []).length,
    math_nodes: article.querySelectorAll('span.math, div.math').length,
    typeset: article.querySelectorAll('mjx-container').length,
    images: Array.from(article.querySelectorAll('img')).map(img => {
      const fig = img.closest('figure');
      const cap = fig && fig.querySelector('figcaption');
      // A hi-dpi figure has twice its size in pixels: its width attribute (or style) is its size on the page.
      const css = parseFloat(img.getAttribute('width')) || parseFloat(img.style.width) || 0;
      return {src: img.getAttribute('src'), alt: img.getAttribute('alt') || '', loaded: img.complete && img.naturalWidth > 0,
              natural: css || img.naturalWidth, pixels: img.naturalWidth, shown: img.getBoundingClientRect().width,
              aspect_shown: img.getBoundingClientRect().width / Math.max(img.getBoundingClientRect().height, 1),
              aspect_pixels: img.naturalWidth / Math.max(img.naturalHeight, 1),
              caption: cap ? cap.innerText.trim() : ''};
    }),
    cell_padding: Array.from(article.querySelectorAll('.cell_output table td, .cell_output table th')).slice(0, 20)
      .map(td => parseFloat(getComputedStyle(td).paddingLeft) + parseFloat(getComputedStyle(td).paddingRight)),
    code_overflow: Array.from(article.querySelectorAll('.cell_input pre'))
      .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
      .map(pre => pre.innerText.split('\n').reduce((a, b) => a.length >= b.length ? a : b).slice(0, 120)),
    cut_outputs: Array.from(article.querySelectorAll('.cell_output pre'))
      .filter(pre => pre.scrollWidth > pre.clientWidth + 2)
      .map(pre => pre.innerText.split('\n').reduce((a, b) => a.length >= b.length ? a : b).slice(0, 120)),
    list_items: Array.from(article.querySelectorAll('li')).map(li => li.innerText.trim()),
    ipynb_links: Array.from(document.querySelectorAll('a[href$=".ipynb"]')).map(a => a.getAttribute('href')),
    download_menu: document.querySelectorAll('.dropdown-download-buttons').length,
    search_boxes: Array.from(document.querySelectorAll('form.bd-search, button.search-button-field, button.search-button__button'))
      .filter(visible).length,
    favicon: (document.querySelector('link[rel~="icon"]') || {}).href || null,
    footer: Array.from(document.querySelectorAll('footer')).map(f => f.innerText).join('\n'),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    nav: Array.from(document.querySelectorAll('nav.bd-docs-nav a')).map(a => a.textContent.trim()),
    brand: ((document.querySelector('.navbar-brand') || {}).textContent || '').trim(),
    // Text wider than the window (code blocks and tables scroll in their own boxes and do not count).
    too_wide: Array.from(article.querySelectorAll('*'))
      .filter(e => !e.closest('pre, .highlight, .pst-scrollable-table-container, mjx-container, .cell_output, figure'))
      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && e.getBoundingClientRect().width > 0)
      .map(e => e.textContent.trim().slice(0, 60))
      .concat(Array.from(article.querySelectorAll('p, li, td, th, figcaption'))  // text running out of its box
        .filter(e => !e.closest('pre, .highlight, .cell_output, mjx-container') && e.scrollWidth > e.clientWidth + 1)
        .map(e => 'text: ' + e.textContent.trim().slice(0, 60))).slice(0, 5),
    page_width: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  };
})()"""




class BrowserMissing(RuntimeError):
    """No Chromium on this machine (install Debian's `chromium`; `.ci/run` does)."""


def chromium_path() -> str:
    """The Chromium executable, or :class:`BrowserMissing` saying how to get one."""
    for name in (os.environ.get("SEQGEN_CHROMIUM", ""), *CHROMIUM_NAMES):
        found = name and shutil.which(name)
        if found:
            return found
    raise BrowserMissing("no chromium found: run `apt-get install -y chromium` (.ci/run does) or set SEQGEN_CHROMIUM")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log each request."""

    def log_message(self, *args):  # noqa: D102 - silence
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; return the server and its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Browser:
    """One headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, download_dir: Path, timeout: float = 60):
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="seqgen-chromium-"))
        self.download_dir = download_dir
        self.proc = subprocess.Popen(
            [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-dev-shm-usage", "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--host-resolver-rules={OFFLINE_RULES}", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port = self._port()
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(p for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=timeout)
        self._id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Page.setDownloadBehavior", behavior="allow", downloadPath=str(download_dir))

    def _port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if marker.is_file() and marker.read_text().strip():
                return int(marker.read_text().split()[0])
            if self.proc.poll() is not None:
                raise BrowserMissing(f"chromium exited at start (code {self.proc.returncode})")
            time.sleep(0.1)
        raise TimeoutError("chromium did not open its DevTools port within 30 s")

    def send(self, method: str, **params):
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float | None = None) -> dict:
        """Wait for the next event ``method`` (e.g. ``Page.loadEventFired``)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            self.ws.settimeout(max(deadline - time.monotonic(), 0.1))
            try:
                message = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            self.events.append(message)
            if message.get("method") == method:
                self.ws.settimeout(self.timeout)
                return message
        self.ws.settimeout(self.timeout)
        raise TimeoutError(f"no {method} within {timeout or self.timeout} s")

    def open(self, url: str, width: int, height: int = 900) -> None:
        """Load ``url`` at a ``width``-pixel window (a phone below 600) and wait until it is typeset."""
        self.metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
        self.send("Emulation.setDeviceMetricsOverride", **self.metrics)
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        # Lazy images load only near the viewport: load them all, as a reader scrolling down would.
        self.evaluate("""Promise.race([new Promise(r => setTimeout(r, 10000)), Promise.all(Array.from(document.images).map(i => {
            i.loading = 'eager'; return i.complete ? 1 : new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); });
        }))]).then(() => 1)""")
        # MathJax typesets after the load event; wait for it where the page has it.
        self.evaluate("window.MathJax && MathJax.startup && MathJax.startup.promise ? MathJax.startup.promise.then(() => 1) : 0")
        self.pause(0.3)

    def pause(self, seconds: float) -> None:
        """Let the page run for ``seconds`` while collecting its events."""
        try:
            self.wait_for("Never.happens", timeout=seconds)
        except TimeoutError:
            pass

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Script errors, console errors and failed loads since the page was opened."""
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description") or details.get("text"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                found.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")
        return found

    def requests(self) -> list[str]:
        """The URLs the page asked for since it was opened."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def click(self, selector: str) -> bool:
        """Click, as a mouse would, the first *visible* element matching ``selector``; False if none is visible."""
        box = self.evaluate(f"""(() => {{
            for (const el of document.querySelectorAll({json.dumps(selector)})) {{
                const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                if (r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none') {{
                    el.scrollIntoView({{block: 'center'}});
                    const q = el.getBoundingClientRect();
                    return [q.left + q.width / 2, q.top + q.height / 2];
                }}
            }}
            return null; }})()""")
        if box is None:
            return False
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)
        self.pause(0.6)
        return True

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """Save a PNG of the page (the whole page, up to 12,000 px, or the viewport)."""
        import base64

        if not full_page:
            data = self.send("Page.captureScreenshot", format="png")["data"]
        else:
            # A window as tall as the page (captureBeyondViewport shifted the sidebars and the
            # article sideways on long pages), then the reader's window again.
            h = self.evaluate("document.documentElement.scrollHeight")
            self.send("Emulation.setDeviceMetricsOverride", **{**self.metrics, "height": min(h, 12000)})
            self.pause(0.3)
            try:
                data = self.send("Page.captureScreenshot", format="png")["data"]
            finally:
                self.send("Emulation.setDeviceMetricsOverride", **self.metrics)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def site_pages(site: Path) -> list[str]:
    """The site's reading pages (relative paths; redirect pages left out), landing page first."""
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html")
             if not p.relative_to(site).parts[0].startswith("_") and p.name not in skip
             and not re.search(r'http-equiv="refresh"', p.read_text(errors="replace")[:2000], re.I)]  # redirects
    return sorted(pages, key=lambda p: (p not in ("index.html", "intro.html"), p))


def page_named(pages, name: str) -> str:
    """The page of ``pages`` whose file is ``name`` (``01_lstm_intro.html``), in whatever folder."""
    found = [p for p in pages if p == name or p.endswith("/" + name)]
    if not found:
        raise KeyError(f"no page {name} among {sorted(pages)}")
    return found[0]

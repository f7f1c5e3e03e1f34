"""``make serve``: the built site on http://127.0.0.1, as it will be published.

Served over HTTP, search fetches each result's page for its excerpt; opened from ``file://``, where a browser
refuses those requests, the excerpts come from the pages' text the build writes (``book_site.write_search_texts``).

    python -m autograder.publishing.serve [--port 8000] [--folder _build/html]

A busy port is replaced by a free one; the first line printed is the address to open.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from pathlib import Path

from ..course import ROOT

SITE = ROOT / "_build" / "html"
LANDING = "intro.html"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; only failed requests are logged."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def log_error(self, format, *args):  # noqa: A002
        sys.stderr.write(f"{self.requestline!r}: {format % args}\n")


def server(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A server of ``folder`` on 127.0.0.1: ``port``, or a free one if it is taken (0: any free one)."""
    handler = functools.partial(Handler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        return http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 for any free one)")
    parser.add_argument("--folder", type=Path, default=SITE, help="the built site (default _build/html)")
    args = parser.parse_args(argv)
    if not (args.folder / "index.html").is_file():
        sys.exit(f"no site in {args.folder}: build it first with `make book`")
    httpd = server(args.folder, args.port)
    print(f"Serving {args.folder} at http://127.0.0.1:{httpd.server_address[1]}/{LANDING} (Ctrl-C to stop)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()

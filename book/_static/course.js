// The course site's own script (loaded on every page by _config.yml).
//
// Search excerpts. Sphinx's search (searchtools.js, loaded after this file on the
// search page) builds each result's excerpt from the element with role="main", which
// in this theme also holds the header buttons and the page footer, and it looks for
// the *stemmed* query there ("peeki" for "Peeky"), which the text often does not
// contain: the excerpt then fell back to menu text. Here the excerpt comes from the
// article only, around the first place where a query word (as typed) or its stem occurs.
(function () {
  function queryWords(keywords) {
    const typed = new URLSearchParams(window.location.search).get("q") || "";
    const dialog = document.querySelector("#pst-search-dialog input[name=q]");
    const words = [typed, dialog ? dialog.value : ""].join(" ").toLowerCase().split(/\s+/);
    return [...words, ...Array.from(keywords || [], (k) => String(k).toLowerCase())].filter((w) => w.length > 1);
  }

  function patch() {
    if (typeof Search === "undefined" || Search.courseExcerpts) return;
    Search.courseExcerpts = true;
    Search.htmlToText = function (htmlString, anchor) {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(".headerlink, script, style").forEach((el) => el.remove());
      const article = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
      if (!article) return "";
      const part = anchor ? article.querySelector(anchor) : null;
      return (part || article).textContent.replace(/\s+/g, " ").trim();
    };
    Search.makeSearchSummary = function (htmlText, keywords, anchor) {
      const text = Search.htmlToText(htmlText, anchor);
      if (!text) return null;
      const lower = text.toLowerCase();
      const hits = queryWords(keywords).map((w) => lower.indexOf(w)).filter((i) => i > -1);
      const at = hits.length ? Math.min(...hits) : 0;
      const start = Math.max(at - 120, 0);
      const summary = document.createElement("p");
      summary.classList.add("context");
      summary.textContent = (start ? "..." : "") + text.substr(start, 240).trim() + (start + 240 < text.length ? "..." : "");
      return summary;
    };
  }

  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();

// Search opened from file://. Sphinx's search fetches each result's page for its excerpt, which a browser
// refuses on file:// (CORS errors, no excerpts). The build writes every page's text into
// _static/search-texts.js, which the search page alone loads; a request for one of those pages is
// answered from it here, and any other request goes to the browser as before.
(function () {
  if (window.location.protocol !== "file:" || !window.fetch) return;
  const browserFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    const texts = window.SEQGEN_SEARCH_TEXTS;
    if (texts) {
      const root = new URL(document.documentElement.dataset.content_root || "./", window.location.href).href;
      const url = new URL(typeof input === "string" ? input : input.url, window.location.href).href.split("#")[0];
      const page = url.startsWith(root) ? url.slice(root.length) : null;
      if (page !== null && Object.prototype.hasOwnProperty.call(texts, page)) {
        const article = document.createElement("article");
        article.className = "bd-article";
        article.textContent = texts[page];
        return Promise.resolve(new Response(article.outerHTML, { headers: { "Content-Type": "text/html" } }));
      }
    }
    return browserFetch(input, init);
  };
})();

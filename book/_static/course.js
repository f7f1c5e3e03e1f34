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

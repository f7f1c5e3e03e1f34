// The course site's own script (loaded on every page by _config.yml).
// Search excerpts come from the article only, not from the menus and buttons around it:
// Sphinx's search reads the element with role="main", which in this theme holds them all.
(function () {
  function patch() {
    if (!window.Search || window.Search._courseText) return;
    window.Search._courseText = true;
    window.Search.htmlToText = function (htmlString, anchor) {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(".headerlink, script, style").forEach((el) => el.remove());
      const article = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
      if (!article) return "";
      const part = anchor ? article.querySelector(anchor) : null;
      return (part || article).textContent.replace(/\s+/g, " ");
    };
  }
  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();

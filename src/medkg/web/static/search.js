// The search box on every page: suggestions from /api/search as you type (a datalist, so the
// browser's own keyboard handling applies); Enter goes to /search, which answers with the entity
// itself when the name is unambiguous. Nothing is fetched from another host.
(function () {
  "use strict";
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-search-options");
  if (!input || !list) return;
  let timer = null;
  let asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  async function suggest() {
    const q = input.value.trim();
    if (!q || q === asked) return;
    asked = q;
    const url = input.dataset.api + "?limit=8&q=" + encodeURIComponent(q);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || q !== input.value.trim()) return;
      const data = await response.json();
      list.replaceChildren(...data.results.map(function (r) {
        const option = document.createElement("option");
        option.value = r.matched === r.curie ? r.curie : r.matched;
        option.label = r.label + " (" + r.curie + ")" + (r.claims ? " · " + r.claims + " claims" : "");
        return option;
      }));
    } catch (e) {
      // suggestions are a convenience: the form still submits without them
    }
  }
})();

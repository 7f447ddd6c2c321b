// The query page: Yasqe (editor) and Yasr (results) from the locally served Yasgui bundle,
// the named queries as examples, and download links for every result format /sparql offers.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("medkg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;
  // The property and class completers ask an outside vocabulary service: medkg works offline.
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  var first = config.examples.length ? config.examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  var yasqe = new Yasqe(document.getElementById("yasqe"), {
    value: first,
    persistenceId: null,
    prefixCcApi: new URL(config.prefixesUrl, window.location.href).toString(),
    consumeShareLink: null,
    createShareableLink: null,
    resizeable: true,
    editorHeight: "22rem",
    requestConfig: { endpoint: endpoint, method: "POST" },
  });
  var yasr = new Yasr(document.getElementById("yasr"), {
    prefixes: config.prefixes,
    persistenceId: null,
  });
  yasqe.getInputField().setAttribute("aria-label", "SPARQL query");
  // Tab and Shift-Tab move the focus on instead of trapping it in the editor.
  yasqe.addKeyMap({ Tab: false, "Shift-Tab": false });

  // Yasr draws a few controls without a name; name them for screen readers as they appear.
  var names = { ".tableSizer": "Rows per page", ".tableFilter": "Filter the results" };
  new MutationObserver(function () {
    Object.keys(names).forEach(function (selector) {
      document.querySelectorAll("#yasr " + selector + ":not([aria-label])").forEach(function (el) {
        el.setAttribute("aria-label", names[selector]);
      });
    });
  }).observe(document.getElementById("yasr"), { childList: true, subtree: true });

  yasqe.on("queryResponse", function (_instance, response, duration) {
    yasr.setResponse(response, duration);
    var results = document.getElementById("results-h");
    if (results) results.setAttribute("data-state", "done");
  });

  var downloads = document.getElementById("downloads");
  function updateDownloads() {
    var type = yasqe.getQueryType();
    var kind = type === "CONSTRUCT" || type === "DESCRIBE" ? "graph" : "results";
    var text = yasqe.getValue();
    var nodes = [document.createTextNode("Download the result as ")];
    config.formats[kind].forEach(function (f, i) {
      var a = document.createElement("a");
      a.href = endpoint + "?query=" + encodeURIComponent(text) + "&format=" + encodeURIComponent(f.name);
      a.download = "result." + f.ext;
      a.textContent = f.name.toUpperCase();
      a.title = f.media;
      a.className = "download";
      a.setAttribute("data-format", f.name);
      if (i) nodes.push(document.createTextNode(" · "));
      nodes.push(a);
    });
    downloads.replaceChildren.apply(downloads, nodes);
  }
  var pending = null;
  yasqe.on("change", function () {
    clearTimeout(pending);
    pending = setTimeout(updateDownloads, 250);
  });
  updateDownloads();

  function load(index) {
    var example = config.examples[index];
    yasqe.setValue(example.query);
    updateDownloads();
    yasqe.query();
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      load(Number(button.getAttribute("data-index")));
    });
  });
  // /#name opens that named query (the founding-question page links here).
  var wanted = decodeURIComponent(window.location.hash.slice(1));
  config.examples.forEach(function (e, i) {
    if (e.name === wanted) {
      yasqe.setValue(e.query);
      updateDownloads();
    }
  });
  window.medkg = { yasqe: yasqe, yasr: yasr };
})();

// The query page: Yasqe (editor) and Yasr (results) from the locally served Yasgui bundle,
// the named queries as examples, and download links for every result format /sparql offers.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("medkg-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;
  // The property and class completers ask an outside vocabulary service: medkg works offline.
  // Entities complete from medkg's own search: a bare word where a term belongs ("lou", "axon")
  // offers the entities of that name, and picking one writes its IRI.
  var entityLabels = new Map();
  Yasqe.registerAutocompleter({
    name: "medkg-entities",
    bulk: false,
    autoShow: true,
    persistenceId: null,
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      var expects = (token.state && token.state.possibleCurrent) || [];
      return token.type === "error" && /^[A-Za-z][\w-]+$/.test(token.string) &&
        expects.indexOf("IRI_REF") >= 0;
    },
    get: function (_yasqe, token) {
      var url = config.searchUrl + "?limit=10&q=" + encodeURIComponent(token.string);
      return fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          return data.results.map(function (r) {
            var text = "<" + r.iri + ">";
            entityLabels.set(text, r.label + " (" + r.curie + ")" + (r.matched !== r.label ? " · " + r.matched : ""));
            return text;
          });
        })
        .catch(function () { return []; });
    },
    postprocessHints: function (_yasqe, hints) {
      return hints.map(function (h) {
        return Object.assign({}, h, { displayText: entityLabels.get(h.text) || h.text });
      });
    },
  }, false);
  Yasqe.defaults.autocompleters = ["prefixes", "variables", "medkg-entities"];

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

  // The query lives in the address (?query=...), so a reload or a shared link brings it back.
  function queryUrl() {
    var url = new URL(window.location.href);
    url.hash = "";
    url.search = "?query=" + encodeURIComponent(yasqe.getValue());
    return url.toString();
  }
  yasqe.on("query", function () {
    window.history.replaceState(null, "", queryUrl());
  });
  var copy = document.getElementById("copy-link");
  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var link = queryUrl();
      window.history.replaceState(null, "", link);
      var status = document.getElementById("copy-status");
      var done = function (text) { if (status) status.textContent = text; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(
          function () { done("Link copied."); },
          function () { done("Copy this link: " + link); }
        );
      } else {
        done("Copy this link: " + link);
      }
    });
  }

  // Result IRIs open medkg's own page of the resource (/entity/?iri= answers with a 303 to its
  // canonical URL) and show its label beside them; labels come from /sparql, in one request per
  // batch of new rows. Datatype IRIs (inside <sup>) are left alone.
  var labels = new Map();
  var RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>";
  function fetchLabels(iris) {
    var missing = iris.filter(function (i) { return !labels.has(i) && /^[^<>"{}|^`\\\s]+$/.test(i); });
    if (!missing.length) return Promise.resolve();
    missing.forEach(function (i) { labels.set(i, null); });
    var values = missing.slice(0, 500).map(function (i) { return "<" + i + ">"; }).join(" ");
    var query = "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { " + values + " } ?s " +
      RDFS_LABEL + " ?l } GROUP BY ?s";
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(query),
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      data.results.bindings.forEach(function (b) { labels.set(b.s.value, b.label.value); });
    }).catch(function () { /* labels are a convenience */ });
  }
  function localise() {
    var links = Array.prototype.filter.call(
      document.querySelectorAll("#yasr a.iri:not([data-iri])"),
      function (a) { return !a.closest("sup"); }
    );
    if (!links.length) return;
    links.forEach(function (a) {
      var iri = a.getAttribute("href");
      a.setAttribute("data-iri", iri);
      a.setAttribute("href", "/entity/?iri=" + encodeURIComponent(iri));
      a.removeAttribute("target");
      a.title = iri;
    });
    fetchLabels(links.map(function (a) { return a.getAttribute("data-iri"); })).then(function () {
      links.forEach(function (a) {
        var label = labels.get(a.getAttribute("data-iri"));
        if (!label || (a.nextSibling && a.nextSibling.className === "iri-label")) return;
        var span = document.createElement("span");
        span.className = "iri-label";
        span.textContent = label;
        a.after(span);
      });
    });
  }
  new MutationObserver(localise).observe(document.getElementById("yasr"), { childList: true, subtree: true });

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
  // /#name opens that named query (the founding-question page links here); /?query=... opens and
  // runs the query in the address (a reload, a shared link).
  var wanted = decodeURIComponent(window.location.hash.slice(1));
  config.examples.forEach(function (e, i) {
    if (e.name === wanted) {
      yasqe.setValue(e.query);
      updateDownloads();
    }
  });
  var inAddress = new URLSearchParams(window.location.search).get("query");
  if (inAddress) {
    yasqe.setValue(inAddress);
    updateDownloads();
    yasqe.query();
  }
  window.medkg = { yasqe: yasqe, yasr: yasr };
})();

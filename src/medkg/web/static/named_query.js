// A named query's page: run it through /api/queries/<name> (JSON results) and draw the rows;
// IRIs open medkg's own pages. The parameters stay in the address, so the page can be shared.
(function () {
  "use strict";
  var form = document.querySelector("form.named-query");
  if (!form) return;
  var table = document.getElementById("rows");
  var status = document.getElementById("rows-status");
  var csv = form.querySelector("a.csv");

  function params() {
    var out = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value) out.set(key, value); });
    return out;
  }
  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = "/entity/?iri=" + encodeURIComponent(term.value);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }
  function run() {
    var query = params();
    csv.href = form.dataset.api + "?" + query.toString() + (query.toString() ? "&" : "") + "format=csv";
    window.history.replaceState(null, "", "?" + query.toString());
    status.textContent = "Running…";
    fetch(form.dataset.api + "?" + query.toString(), { headers: { Accept: "application/sparql-results+json" } })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (pair) {
        var ok = pair[0], body = pair[1];
        table.replaceChildren();
        if (!ok) {
          status.textContent = body.error + (body.hint ? " (" + body.hint + ")" : "");
          return;
        }
        var vars = body.head.vars;
        var head = document.createElement("tr");
        vars.forEach(function (v) { var th = document.createElement("th"); th.scope = "col"; th.textContent = v; head.appendChild(th); });
        var thead = document.createElement("thead"); thead.appendChild(head);
        var tbody = document.createElement("tbody");
        body.results.bindings.forEach(function (b) {
          var tr = document.createElement("tr");
          vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
          tbody.appendChild(tr);
        });
        table.append(thead, tbody);
        var n = body.results.bindings.length;
        status.textContent = n + " row" + (n === 1 ? "" : "s") + ".";
      })
      .catch(function (e) { status.textContent = "The query could not run: " + e; });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  if (window.location.search) run();
})();

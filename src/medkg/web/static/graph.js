// The neighbourhood picture of an entity page: cytoscape.js (served locally) draws one edge per
// claim; negated claims dashed red, hypotheses dotted. Clicking an edge shows its evidence (a copy
// of the claim's card from the list below); clicking a term opens that term's page.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var container = document.getElementById("graph");
  var panel = document.getElementById("edge-evidence");
  var elements = data.nodes.map(function (n) {
    return { data: { id: n.id, label: n.label, href: n.href, focus: n.focus }, classes: n.focus ? "focus" : "" };
  }).concat(data.edges.map(function (e) {
    return { data: { id: e.id, key: e.key, source: e.source, target: e.target, label: e.label }, classes: e.group };
  }));
  var cy = window.cytoscape({
    container: container,
    elements: elements,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "label": "", "font-size": 11, "text-wrap": "wrap", "text-max-width": 110,
        "text-valign": "bottom", "text-margin-y": 4, "color": "#1b1f23",
        "background-color": "#6e7781", "width": 18, "height": 18 } },
      { selector: "node.focus", style: {
        "label": "data(label)", "background-color": "#6f42c1", "width": 30, "height": 30,
        "font-weight": "bold", "font-size": 13 } },
      // labels where they can be read: all of them when the picture is small or zoomed in,
      // else the hovered or selected term's only (they overlapped on large neighbourhoods)
      { selector: "node.named, node.hover", style: { "label": "data(label)",
        "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
      { selector: "edge", style: {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 2.5,
        "line-color": "#1a7f37", "target-arrow-color": "#1a7f37",
        "label": "", "font-size": 9, "color": "#4b5563", "text-rotation": "autorotate",
        "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
      { selector: "edge.negated", style: {
        "line-style": "dashed", "line-dash-pattern": [8, 4], "line-color": "#b42318",
        "target-arrow-color": "#b42318", "target-arrow-shape": "tee", "color": "#b42318" } },
      { selector: "edge.hypotheses", style: {
        "line-style": "dotted", "line-color": "#9a6700", "target-arrow-color": "#9a6700" } },
      { selector: "edge.selected", style: { "width": 6, "z-index": 10, "label": "data(label)" } },
      { selector: "edge.hover", style: { "label": "data(label)", "z-index": 9 } },
    ],
    layout: {
      name: "concentric",
      concentric: function (node) { return node.data("focus") ? 2 : 1; },
      levelWidth: function () { return 1; },
      minNodeSpacing: 24,
      // neighbours around the focus in the order of the predicate that links them, so the
      // claims of one kind (phenotypes, locations, denials) sit together
      sort: function (a, b) { return groupOf(a).localeCompare(groupOf(b)); },
      animate: false,
    },
  });
  function groupOf(node) {
    var edge = node.connectedEdges()[0];
    return (edge ? edge.data("label").replace(/^NOT /, "") : "") + " " + node.data("label");
  }
  var SMALL = 12;
  function nameNodes() {
    var all = cy.nodes().length <= SMALL || cy.zoom() >= 1.4;
    cy.nodes().toggleClass("named", all);
  }
  nameNodes();
  cy.on("zoom", nameNodes);
  cy.on("mouseover", "node, edge", function (event) { event.target.addClass("hover"); });
  cy.on("mouseout", "node, edge", function (event) { event.target.removeClass("hover"); });

  function show(key) {
    var claim = document.getElementById("claim-" + key);
    if (!claim) return;
    var card = claim.closest(".sentence-card") || claim;  // the claim with its sentences
    var copy = card.cloneNode(true);
    copy.querySelectorAll(".claim-card").forEach(function (el) {
      if (el.id === "claim-" + key) el.classList.add("selected-claim");
    });
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    var heading = panel.querySelector("h3");
    panel.replaceChildren(heading, copy);
    panel.setAttribute("data-claim", key);
    cy.edges().removeClass("selected");
    cy.nodes().removeClass("hover");
    var edge = cy.getElementById("e-" + key).addClass("selected");
    edge.connectedNodes().addClass("hover");
  }
  cy.on("tap", "edge", function (event) {
    show(event.target.data("key"));
    panel.focus({ preventScroll: true });
  });
  cy.on("tap", "node", function (event) {
    var node = event.target;
    if (!node.data("focus")) window.location.href = node.data("href");
  });
  // Keyboard: the graph takes the focus; arrow keys step through its claims, one edge at a time.
  var order = cy.edges().map(function (edge) { return edge.data("key"); });
  var current = -1;
  container.tabIndex = 0;
  container.addEventListener("keydown", function (event) {
    var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step || !order.length) return;
    event.preventDefault();
    current = (current + step + order.length) % order.length;
    show(order[current]);
  });
  container.setAttribute("data-rendered", String(cy.nodes().length));
  window.medkg = Object.assign(window.medkg || {}, { cy: cy, showClaim: show });
})();

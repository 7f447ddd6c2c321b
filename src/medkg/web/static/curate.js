// The review queue (/curate): one claim at a time with every sentence that states it, keyboard
// first, through /api/curation/ only.
// The token is asked once and kept in sessionStorage; nothing is fetched from another host.
(function () {
  "use strict";
  const root = document.getElementById("curate");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const FIELDS = ["subject", "predicate", "object"];
  // the other qualifiers: each a control, its value read as the YAML field's type
  const QUALIFIERS = {
    disease_context: "curie", anatomical_context: "curie", unit: "curie", frequency: "text",
    count: "integer", as_of: "integer", min_value: "number", max_value: "number",
  };
  const CURIES = FIELDS.concat(Object.keys(QUALIFIERS).filter((k) => QUALIFIERS[k] === "curie"));
  let token = sessionStorage.getItem("medkg-curation-token") || "";
  let items = [];
  let index = 0;
  let current = null; // the claim as GET returned it
  let last = null; // {key, entries} of the last decision, for undo

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers = Object.assign({ Accept: "application/json", Authorization: "Bearer " + token }, opts.headers);
    const response = await fetch(path, opts);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.error || response.statusText);
      error.status = response.status;
      error.body = body;
      throw error;
    }
    return body;
  }

  function say(text, problems) {
    const box = $("status");
    box.replaceChildren(document.createTextNode(text));
    if (problems && problems.length) {
      const list = document.createElement("ul");
      for (const p of problems) {
        const li = document.createElement("li");
        const where = p.where ? p.where.path.split("/").slice(-3).join("/") + ":" + (p.where.line || "") + " " : "";
        li.textContent = where + "[" + p.check + "] " + p.message + (p.hint ? " — " + p.hint : "");
        list.append(li);
      }
      box.append(list);
    }
  }

  async function start(event) {
    if (event) event.preventDefault();
    if (event) token = $("token").value.trim();
    try {
      await loadQueue();
    } catch (e) {
      say(e.status === 401 || e.status === 403 ? "That token is not accepted: " + e.message : e.message);
      sessionStorage.removeItem("medkg-curation-token");
      $("login").hidden = false;
      return;
    }
    sessionStorage.setItem("medkg-curation-token", token);
    $("login").hidden = true;
    $("review").hidden = false;
    $("draft-h").focus(); // the keys act on the draft, not on the hidden token field
    show(index);
  }

  async function loadQueue() {
    const params = new URLSearchParams({ limit: "200", status: $("f-status").value });
    if ($("f-article").value) params.set("article", $("f-article").value);
    if ($("f-rule").value) params.set("rule", $("f-rule").value);
    if ($("f-confidence").value) {
      const [bound, value] = $("f-confidence").value.split(":");
      params.set(bound + "_confidence", value);
    }
    const data = await api(root.dataset.api + "?" + params);
    items = data.items;
    const select = $("f-article");
    for (const article of Object.keys(data.progress)) {
      if (![...select.options].some((o) => o.value === article)) select.append(new Option(article, article));
    }
    for (const rule of data.rules) {
      if (![...$("f-rule").options].some((o) => o.value === rule)) $("f-rule").append(new Option(rule, rule));
    }
    $("progress").replaceChildren(...Object.entries(data.progress).map(([article, p]) => {
      const li = document.createElement("li");
      li.textContent = article + ": " + p.reviewed + " reviewed, " + p.remaining + " remaining";
      return li;
    }));
    $("items").replaceChildren(...items.map((it, i) => {
      const li = document.createElement("li");
      const c = it.claim;
      li.textContent = [c.subject, c.predicate, c.object].join(" ") + (c.negated ? " (denied)" : "") +
        " · " + it.open + " open of " + it.entries.length;
      li.dataset.index = i;
      return li;
    }));
    index = Math.min(index, Math.max(items.length - 1, 0));
  }

  async function show(i) {
    $("empty").hidden = items.length > 0;
    $("one").hidden = items.length === 0;
    if (!items.length) { current = null; $("position").textContent = ""; return; }
    index = (i + items.length) % items.length;
    [...$("items").children].forEach((li, n) => li.classList.toggle("current", n === index));
    $("position").textContent = index + 1 + " of " + items.length;
    current = await api(root.dataset.api + "/" + items[index].key);
    render(current);
  }

  function sentence(e, n) {
    const fig = document.createElement("figure");
    fig.className = "context";
    fig.dataset.evidence = e.evidence;
    const quote = document.createElement("blockquote");
    if (e.context) {
      const ctx = e.context;
      const para = document.createElement("p");
      para.id = "d-sentence-" + n;
      para.dataset.index = n;
      const at = ctx.start - ctx.paragraph_start;
      const mark = document.createElement("mark");
      mark.textContent = ctx.paragraph.slice(at, at + ctx.end - ctx.start);
      para.append(ctx.paragraph.slice(0, at), mark, ctx.paragraph.slice(at + ctx.end - ctx.start));
      const before = document.createElement("p");
      before.className = "around";
      before.textContent = "…" + ctx.before.slice(-240);
      const after = document.createElement("p");
      after.className = "around";
      after.textContent = ctx.after.slice(0, 240) + "…";
      quote.append(before, para, after);
    } else {
      quote.textContent = "(the quote is not in the article: fix it below)";
    }
    const caption = document.createElement("figcaption");
    const f = e.claim;
    caption.textContent = e.evidence + " · " + e.status + " · rule " + (e.rule || "(curated)") +
      (e.confidence === null ? "" : " · confidence " + e.confidence) +
      (f.trigger ? " · trigger " + f.trigger : "") + " — " + (e.article_title || e.article);
    const refs = document.createElement("ol");
    refs.className = "refs";
    refs.setAttribute("aria-label", "references cited by " + e.evidence);
    refs.replaceChildren(...e.references.map((r) => {
      const li = document.createElement("li");
      li.value = r.number;
      li.textContent = r.missing ? "no reference carries this number" :
        [r.title, r.source, r.year].filter(Boolean).join(" · ");
      return li;
    }));
    fig.append(quote, caption, refs);
    return fig;
  }

  // the entry whose quote and citations the form shows: the one chosen, else the first open one
  function shown() {
    const d = current;
    const chosen = $("c-evidence").value;
    return d.entries.find((e) => e.evidence === chosen) ||
      d.entries.find((e) => ["draft", "needs-review"].includes(e.status)) || d.entries[0];
  }

  function render(d) {
    const c = d.claim;
    $("d-key").textContent = d.key;
    $("d-rule").textContent = [...new Set(d.entries.map((e) => e.rule || "(curated)"))].join(", ");
    $("d-status").textContent = d.status + ", " + d.open + " open of " + d.entries.length;
    $("d-text").replaceChildren(...d.entries.map(sentence));
    const open = d.entries.filter((e) => ["draft", "needs-review"].includes(e.status));
    $("c-evidence").replaceChildren(
      new Option("every open draft (" + open.length + ")", ""),
      ...d.entries.map((e) => new Option(e.evidence + " (" + e.status + ")", e.evidence)));
    for (const f of FIELDS) {
      $("c-" + f).value = c[f] || "";
      $("l-" + f).textContent = d.labels[c[f]] || "";
    }
    $("c-negated").checked = !!c.negated;
    $("c-modality").value = c.modality || "asserted";
    $("c-role").value = c.role || "";
    for (const [k, kind] of Object.entries(QUALIFIERS)) {
      $("c-" + k).value = c[k] === undefined || c[k] === null ? "" : c[k];
      if (kind === "curie") $("l-" + k).textContent = d.labels[c[k]] || "";
    }
    showEntry();
  }

  function showEntry() {
    const e = shown().claim;
    $("c-quote").value = e.quote || "";
    $("c-start").value = e.start === undefined ? "" : e.start;
    $("c-citations").value = (e.citations || []).join(", ");
    $("c-reason").value = e.reason || "";
    for (const fig of $("d-text").children) {
      fig.classList.toggle("chosen", fig.dataset.evidence === $("c-evidence").value);
    }
  }

  function changes() {
    const was = Object.assign({ modality: "asserted", role: null }, current.claim);
    const entry = Object.assign({ start: null }, shown().claim);
    const now = {
      subject: $("c-subject").value.trim(),
      predicate: $("c-predicate").value.trim(),
      object: $("c-object").value.trim(),
      negated: $("c-negated").checked,
      modality: $("c-modality").value,
      role: $("c-role").value || null,
    };
    for (const [k, kind] of Object.entries(QUALIFIERS)) {
      const raw = $("c-" + k).value.trim();
      now[k] = raw === "" ? null : kind === "integer" ? parseInt(raw, 10) : kind === "number" ? Number(raw) : raw;
    }
    const sentence = {
      quote: $("c-quote").value.trim(),
      start: $("c-start").value.trim() === "" ? null : Number($("c-start").value),
      citations: $("c-citations").value.split(/[\s,]+/).filter(Boolean).map(Number),
    };
    const out = {};
    const differs = (v, old) => JSON.stringify(v) !== JSON.stringify(old === undefined ? null : old);
    for (const [k, v] of Object.entries(now)) if (differs(v, was[k])) out[k] = v;
    for (const [k, v] of Object.entries(sentence)) if (differs(v, entry[k])) out[k] = v;
    if (out.modality === "asserted" && !("modality" in current.claim)) delete out.modality;
    return out;
  }

  async function decide(kind) {
    if (!current) return;
    const body = { decision: kind, version: current.version };
    const edits = changes();
    if (kind === "reject") {
      body.reason = $("c-reason").value.trim();
      if (!body.reason) { say("Say why it is wrong in Reason, then press Enter."); $("c-reason").focus(); return; }
    } else if (Object.keys(edits).length) {
      body.decision = "edit";
      body.claim = edits;
    }
    // a sentence's own fields belong to the entry the form shows
    const own = ["quote", "start", "citations"].some((k) => k in (body.claim || {}));
    if ($("c-evidence").value || own) body.evidence = shown().evidence;
    const key = current.key;
    const before = Object.fromEntries(current.entries.map((e) => [e.evidence, e.claim]));
    try {
      const result = await api(root.dataset.api + "/" + key, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      last = { key: result.key, entries: Object.fromEntries(result.decided.map((id) => [id, before[id]])) };
      $("draft-h").focus(); // back to the keys: j, k, a, e, r, u
      say(body.decision.replace(/e?$/, "ed") + " " + result.decided.join(", ") + " (claim " + key + ")" +
        (result.served ? "; now served" : "; written, not yet served: " + result.build_error) +
        (result.terms_added.length ? "; declared " + result.terms_added.join(", ") : ""));
      await loadQueue();
      await show(index);
    } catch (e) {
      say(e.message + (e.body && e.body.hint ? " — " + e.body.hint : ""), e.body && e.body.problems);
      if (e.status === 409) { current = await api(root.dataset.api + "/" + key); render(current); }
    }
  }

  async function undo() {
    if (!last) { say("Nothing to undo."); return; }
    try {
      const now = await api(root.dataset.api + "/" + last.key);
      await api(root.dataset.api + "/" + last.key, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ decision: "restore", entries: last.entries, version: now.version }),
      });
      say("undid the decision on " + Object.keys(last.entries).join(", "));
      last = null;
      await loadQueue();
      await show(index);
    } catch (e) {
      say("Undo failed: " + e.message, e.body && e.body.problems);
    }
  }

  let timer = null;
  function suggest(event) {
    const input = event.target;
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const q = input.value.trim();
      if (q.length < 2) return;
      try {
        const data = await api(root.dataset.candidates + "?limit=8&q=" + encodeURIComponent(q));
        $("cands").replaceChildren(...data.results.map((r) => {
          const option = document.createElement("option");
          option.value = r.curie;
          option.label = r.label + " (" + r.curie + ", " + r.source + (r.matched !== r.label ? ": " + r.matched : "") + ")";
          return option;
        }));
        const exact = data.results.find((r) => r.curie === q);
        $("l-" + input.name).textContent = exact ? exact.label : "";
      } catch (e) {
        // candidates are a convenience; the CURIE is checked when the decision is sent
      }
    }, 150);
  }

  function takeSelection() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed) return;
    const para = [...$("d-text").querySelectorAll("p[data-index]")].find((p) => p.contains(sel.anchorNode));
    if (!para) return;
    const entry = current.entries[Number(para.dataset.index)];
    $("c-evidence").value = entry.evidence; // the quote belongs to this sentence
    showEntry();
    const range = sel.getRangeAt(0);
    const head = document.createRange();
    head.setStart(para, 0);
    head.setEnd(range.startContainer, range.startOffset);
    const quote = range.toString();
    const lead = quote.length - quote.trimStart().length;
    $("c-quote").value = quote.trim();
    $("c-start").value = entry.context.paragraph_start + head.toString().length + lead;
  }

  function cycleEvidence() {
    const select = $("c-evidence");
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    showEntry();
    say("Evidence decided: " + select.options[select.selectedIndex].text);
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || $("review").hidden) return;
    const field = event.target.closest && event.target.closest("input, select, textarea");
    if (field) {
      if (event.key === "Escape") field.blur();
      if (event.key === "Enter" && field.form === $("fields")) {
        event.preventDefault();
        decide(field.id === "c-reason" ? "reject" : "accept");
      }
      return;
    }
    const actions = {
      j: () => show(index + 1),
      k: () => show(index - 1),
      a: () => decide("accept"),
      e: () => $("c-subject").focus(),
      r: () => $("c-reason").focus(),
      u: () => undo(),
      v: () => cycleEvidence(),
      "?": () => $("help").showModal(),
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  }

  $("login").addEventListener("submit", start);
  document.addEventListener("keydown", onKey);
  for (const f of CURIES) $("c-" + f).addEventListener("input", suggest);
  $("d-text").addEventListener("mouseup", takeSelection);
  $("b-accept").addEventListener("click", () => decide("accept"));
  $("b-edit").addEventListener("click", () => decide("accept"));
  $("b-reject").addEventListener("click", () => decide("reject"));
  $("b-skip").addEventListener("click", () => show(index + 1));
  $("b-undo").addEventListener("click", undo);
  $("f-status").addEventListener("change", async () => { index = 0; await loadQueue(); show(0); });
  $("f-article").addEventListener("change", async () => { index = 0; await loadQueue(); show(0); });
  $("f-rule").addEventListener("change", async () => { index = 0; await loadQueue(); show(0); });
  $("f-confidence").addEventListener("change", async () => { index = 0; await loadQueue(); show(0); });
  $("c-evidence").addEventListener("change", showEntry);
  if (token) start();
})();

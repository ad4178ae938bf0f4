// The desk's page: plain JavaScript, no framework, no build step, nothing from a CDN.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  // segments: the last translation's, as the editor shows them (see renderEditor)
  const state = { text: "", target: "it", settings: null, segments: [], mode: "",
                  translated: "", file: null, fileFields: null, generation: 0 };
  // A reply belongs to the page as it was when its request left: once the input changes
  // (another file, swapped languages, a new request) the reply is dropped, never shown
  // as the answer to what the page shows now.
  function ticket() {
    const g = state.generation;
    return () => g === state.generation;
  }

  function option(select, value, label) {
    const o = document.createElement("option");
    o.value = value; o.textContent = label; select.appendChild(o); return o;
  }
  function status(message, isError) {
    $("status").textContent = message || "";
    $("status").className = isError ? "error" : "";
  }
  async function getJSON(url) {
    const r = await fetch(url);
    return r.json();
  }

  async function init() {
    const [langs, settings] = await Promise.all([getJSON("languages"),
                                                 getJSON("frontend/settings")]);
    state.settings = settings;
    for (const l of langs) { option($("source"), l.code, l.name); option($("target"), l.code, l.name); }
    $("target").value = (settings.language && settings.language.target.code) || "it";
    const gl = settings.glossaries || [];
    for (const g of gl) { option($("glossary"), g.name, (g.label || g.name) + " (" + g.concepts + ")").selected = g.default; }
    option($("glossary"), "off", "off");
    $("file").accept = (settings.supportedFilesFormat || []).join(",");
    $("key-label").hidden = !settings.apiKeys && !settings.keyRequired;
    $("key-required").hidden = !settings.keyRequired;
    try { $("api_key").value = sessionStorage.getItem("api_key") || ""; } catch (e) { /* private mode */ }
  }

  function apiKey() {
    const k = $("api_key").value.trim();
    try { sessionStorage.setItem("api_key", k); } catch (e) { /* private mode */ }
    return k;
  }

  // What the last translation showed: gone once it no longer matches the page
  // (another file, swapped languages), so a stale result is never read as the new one.
  function clearText() {
    state.generation++;
    $("output").textContent = ""; $("terms").textContent = ""; $("warnings").textContent = "";
    $("detected").textContent = ""; state.text = "";
    $("copy").disabled = $("download").disabled = true;
    clearEditor();
  }
  function clearFile() {
    state.generation++;
    const link = $("file-link"); link.hidden = true; link.removeAttribute("href"); link.textContent = "";
    if (state.mode === "file") clearEditor();
  }
  function clearEditor() {
    state.segments = []; state.mode = ""; state.file = null; state.fileFields = null;
    $("segments").tBodies[0].textContent = ""; $("editor").hidden = true;
    $("download-edited").hidden = true;
  }

  function escapeText(s) {
    const d = document.createElement("div"); d.textContent = s; return d.innerHTML;
  }
  function escapeAttr(s) { return escapeText(s).replace(/"/g, "&quot;"); }

  // The translation with every found glossary term marked, from the report's spans.
  function render(text, report) {
    const out = $("output");
    const marks = [];
    const terms = $("terms"); terms.textContent = "";
    const warns = $("warnings"); warns.textContent = "";
    if (report) {
      for (const seg of report.segments) {
        for (const t of seg.terms) {
          const li = document.createElement("li");
          if (t.status === "found" && t.output_span) {
            marks.push([seg.output_start + t.output_span[0], seg.output_start + t.output_span[1], t]);
            li.innerHTML = '<mark class="term found">' + escapeText(t.required) + "</mark> for “" +
              escapeText(t.source) + "”";
          } else {
            li.innerHTML = '<span class="term missing">' + escapeText(t.required) + "</span> " +
              escapeText(t.status) + " for “" + escapeText(t.source) + "”";
          }
          terms.appendChild(li);
        }
      }
      for (const w of report.warnings || []) {
        const li = document.createElement("li"); li.textContent = w; warns.appendChild(li);
      }
    }
    out.innerHTML = highlight(text, marks);
    state.text = text;
    $("copy").disabled = $("download").disabled = !text;
  }

  // ``text`` as HTML with [start, end, term] spans marked as found glossary terms.
  function highlight(text, marks) {
    marks = marks.filter((m) => m[0] >= 0 && m[1] <= text.length && m[0] < m[1]);
    marks.sort((a, b) => a[0] - b[0]);
    let html = "", pos = 0;
    for (const [start, end, t] of marks) {
      if (start < pos) continue;
      html += escapeText(text.slice(pos, start)) +
        '<mark class="term found" title="glossary: ' + escapeAttr(t.source + " → " + t.required) +
        '">' + escapeText(text.slice(start, end)) + "</mark>";
      pos = end;
    }
    return html + escapeText(text.slice(pos));
  }

  // ------------------------------------------------------------------ the editor
  // The translation as aligned segments, source beside target; a click on a target
  // edits it, and Save stores the correction through /suggest (the server returns it
  // for that sentence from then on). A text's output is recomposed from its segments;
  // a document is translated again (the server's memory gives the corrections).

  function editable(seg) {
    return state.settings && state.settings.suggestions && seg.action === "translated" &&
      seg.lang !== state.target;
  }

  function renderEditor(segments, mode) {
    state.segments = segments.map((seg) => Object.assign({}, seg, { out_len: seg.text.length }));
    state.mode = mode;
    const canEdit = state.settings && state.settings.suggestions;
    $("edit-hint").textContent = canEdit ?
      "(click a translation to correct it; the server keeps the correction)" :
      "(this server keeps no corrections: start it with --suggestions to edit here)";
    const body = $("segments").tBodies[0]; body.textContent = "";
    state.segments.forEach((seg, i) => body.appendChild(row(seg, i)));
    $("editor").hidden = !state.segments.length;
    $("download-edited").hidden = mode !== "file" || !canEdit;
  }

  function row(seg, i) {
    const tr = document.createElement("tr");
    tr.className = "segment" + (seg.review_reasons && seg.review_reasons.length ? " review" : "") +
      (seg.human ? " human" : "");
    tr.dataset.index = i;
    const num = document.createElement("td"); num.className = "num";
    num.textContent = (i + 1) + (seg.where ? " · " + seg.where : "");
    const src = document.createElement("td"); src.className = "source"; src.lang = seg.lang;
    const shift = seg.block === undefined || seg.block === null ? seg.start : 0;
    src.innerHTML = highlight(seg.source, (seg.terms || []).map(
      (t) => [t.source_span[0] - shift, t.source_span[1] - shift, t]));
    const tgt = document.createElement("td"); tgt.className = "target"; tgt.lang = state.target;
    const text = document.createElement("div"); text.className = "text";
    text.innerHTML = highlight(seg.text, (seg.terms || []).filter(
      (t) => t.status === "found" && t.output_span).map((t) => [t.output_span[0], t.output_span[1], t]));
    tgt.appendChild(text);
    if (seg.human) {
      const b = document.createElement("span"); b.className = "badge human"; b.textContent = "edited";
      tgt.appendChild(b);
    }
    if (seg.review_reasons && seg.review_reasons.length) {
      const ul = document.createElement("ul"); ul.className = "reasons";
      ul.setAttribute("aria-label", "flagged for review");
      for (const r of seg.review_reasons) {
        const li = document.createElement("li"); li.textContent = r; ul.appendChild(li);
      }
      tgt.appendChild(ul);
    }
    if (editable(seg)) {
      tgt.tabIndex = 0; tgt.title = "Click to correct this translation";
      tgt.classList.add("editable");
      tgt.addEventListener("click", () => edit(i));
      tgt.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && ev.target === tgt) { ev.preventDefault(); edit(i); } });
    }
    tr.append(num, src, tgt);
    return tr;
  }

  function replaceRow(i) {
    const old = $("segments").tBodies[0].rows[i];
    const fresh = row(state.segments[i], i);
    old.replaceWith(fresh);
    return fresh;
  }

  function edit(i) {
    const seg = state.segments[i];
    const tgt = $("segments").tBodies[0].rows[i].cells[2];
    if (tgt.querySelector("textarea")) return;
    tgt.textContent = "";
    const box = document.createElement("textarea"); box.className = "edit"; box.value = seg.text;
    box.setAttribute("aria-label", "Correct the translation of segment " + (i + 1));
    const save = document.createElement("button"); save.type = "button"; save.className = "save";
    save.textContent = "Save";
    const cancel = document.createElement("button"); cancel.type = "button"; cancel.className = "cancel";
    cancel.textContent = "Cancel";
    const bar = document.createElement("p"); bar.className = "edit-actions"; bar.append(save, cancel);
    tgt.append(box, bar);
    const done = () => replaceRow(i).cells[2].focus();
    save.addEventListener("click", () => store(i, box.value).catch(
      (e) => status("The server did not answer: " + e, true)));
    cancel.addEventListener("click", done);
    box.addEventListener("keydown", (ev) => {
      ev.stopPropagation();  // Ctrl+Enter saves here; it does not translate again
      if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") { ev.preventDefault(); save.click(); }
      if (ev.key === "Escape") { ev.preventDefault(); done(); }
    });
    box.focus();
  }

  async function store(i, value) {
    const seg = state.segments[i];
    if (!value.trim()) { status("A correction cannot be empty.", true); return; }
    const body = { q: seg.source, s: value.trim(), source: seg.lang, target: state.target };
    const key = apiKey();
    if (key) body.api_key = key;
    status("Saving the correction…");
    const live = ticket();
    const r = await fetch("suggest", { method: "POST", headers: { "Content-Type": "application/json" },
                                       body: JSON.stringify(body) });
    const data = await r.json();
    if (!live()) { if (r.ok) status("Saved the correction (the page has moved on since)."); return; }
    if (!r.ok) { status(data.error || ("Error " + r.status), true); return; }
    seg.text = body.s; seg.human = true; seg.review_reasons = []; seg.edited = true;
    // the glossary terms: found where the correction still spells them
    seg.terms = (seg.terms || []).map((t) => {
      const at = seg.text.indexOf(t.required);
      return Object.assign({}, t, at < 0 ? { status: "missing", output_span: null } :
                                           { status: "found", output_span: [at, at + t.required.length] });
    });
    replaceRow(i).cells[2].focus();
    if (state.mode === "text") recompose();
    status("Saved: segment " + (i + 1) + " is stored as a correction." +
           (state.mode === "file" ? " Download the edited file when you are done." : ""));
  }

  // A text's translation from its segments (the text between them as it was).
  function recompose() {
    let text = "", pos = 0;
    const marks = [];
    const segs = state.segments.slice().sort((a, b) => a.output_start - b.output_start);
    for (const seg of segs) {
      text += state.translated.slice(pos, seg.output_start);
      const at = text.length;
      text += seg.text;
      for (const t of seg.terms || []) {
        if (t.status === "found" && t.output_span) marks.push([at + t.output_span[0], at + t.output_span[1], t]);
      }
      pos = seg.output_start + seg.out_len;
    }
    text += state.translated.slice(pos);
    $("output").innerHTML = highlight(text, marks);
    state.text = text;
  }

  async function downloadEdited() {
    status("Translating " + state.file.name + " again with the corrections…");
    const live = ticket();
    const r = await fetch("translate_file", { method: "POST", body: fileForm(state.file, state.fileFields) });
    const data = await r.json();
    if (!live()) return;
    if (!r.ok) { status(data.error || ("Error " + r.status), true); return; }
    const link = $("file-link");
    link.href = data.translatedFileUrl; link.hidden = false;
    link.textContent = "Download " + state.file.name + " (" + state.fileFields.target + ", edited)";
    status("Done: the edited file is ready.");
    link.focus();
  }

  function fileForm(f, fields) {
    const form = new FormData();
    form.append("file", f);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const key = apiKey();
    if (key) form.append("api_key", key);
    return form;
  }

  async function translateText() {
    const q = $("q").value;
    if (!q.trim()) { status("Paste some text, or choose a file.", true); $("q").focus(); return; }
    status("Translating…");
    const body = { q: q, source: $("source").value, target: $("target").value,
                   format: "text", glossary: $("glossary").value, report: true };
    const key = apiKey();
    if (key) body.api_key = key;
    clearFile();
    const live = ticket();
    const r = await fetch("translate", { method: "POST", headers: { "Content-Type": "application/json" },
                                         body: JSON.stringify(body) });
    const data = await r.json();
    if (!live()) return;
    if (!r.ok) { status(data.error || ("Error " + r.status), true); return; }
    state.target = body.target;
    $("detected").textContent = data.detectedLanguage ?
      "(detected: " + data.detectedLanguage.language + ", " + data.detectedLanguage.confidence + "%)" : "";
    render(data.translatedText, data.report);
    state.translated = data.translatedText;
    renderEditor(data.report ? data.report.segments : [], "text");
    status("Done.");
  }

  async function translateFile() {
    const f = $("file").files[0];
    const fields = { source: $("source").value, target: $("target").value,
                     glossary: $("glossary").value, report: "true" };
    clearText(); clearFile();
    status("Translating " + f.name + "…");
    const live = ticket();
    const r = await fetch("translate_file", { method: "POST", body: fileForm(f, fields) });
    const data = await r.json();
    if (!live()) return;
    if (!r.ok) { status(data.error || ("Error " + r.status), true); return; }
    state.target = fields.target;
    renderEditor(data.report ? data.report.segments : [], "file");
    state.file = f; state.fileFields = fields;
    const link = $("file-link");
    link.href = data.translatedFileUrl; link.hidden = false;
    link.textContent = "Download " + f.name + " (" + $("target").value + ")";
    status("Done: the translated file is ready.");
    link.focus();
  }

  async function go(ev) {
    if (ev) ev.preventDefault();
    try {
      if ($("file").files.length) await translateFile(); else await translateText();
    } catch (e) { status("The server did not answer: " + e, true); }
  }

  $("controls").addEventListener("submit", go);
  $("download-edited").addEventListener("click", () => downloadEdited().catch(
    (e) => status("The server did not answer: " + e, true)));
  document.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") go(ev);
  });
  $("q").addEventListener("input", () => { $("chars").textContent = $("q").value.length; });
  $("swap").addEventListener("click", () => {
    const s = $("source").value, t = $("target").value;
    if (s === "auto") return;
    $("source").value = t; $("target").value = s;
    if (state.text) { $("q").value = state.text; $("chars").textContent = state.text.length; }
    clearText(); clearFile();
  });
  $("file").addEventListener("change", () => { clearText(); clearFile(); });
  $("copy").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(state.text); status("Copied."); }
    catch (e) { status("Copy failed: select the text and copy it.", true); }
  });
  $("download").addEventListener("click", () => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([state.text], { type: "text/plain;charset=utf-8" }));
    a.download = "translation." + state.target + ".txt"; a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  init().catch((e) => status("Could not load the server's settings: " + e, true));
})();

// The desk's page: plain JavaScript, no framework, no build step, nothing from a CDN.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { text: "", target: "it", settings: null };

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
    $("output").textContent = ""; $("terms").textContent = ""; $("warnings").textContent = "";
    $("detected").textContent = ""; state.text = "";
    $("copy").disabled = $("download").disabled = true;
  }
  function clearFile() {
    const link = $("file-link"); link.hidden = true; link.removeAttribute("href"); link.textContent = "";
  }

  function escapeText(s) {
    const d = document.createElement("div"); d.textContent = s; return d.innerHTML;
  }

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
    marks.sort((a, b) => a[0] - b[0]);
    let html = "", pos = 0;
    for (const [start, end, t] of marks) {
      if (start < pos) continue;
      html += escapeText(text.slice(pos, start)) +
        '<mark class="term found" title="glossary: ' + escapeText(t.source) + '">' +
        escapeText(text.slice(start, end)) + "</mark>";
      pos = end;
    }
    html += escapeText(text.slice(pos));
    out.innerHTML = html;
    state.text = text;
    $("copy").disabled = $("download").disabled = !text;
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
    const r = await fetch("translate", { method: "POST", headers: { "Content-Type": "application/json" },
                                         body: JSON.stringify(body) });
    const data = await r.json();
    if (!r.ok) { status(data.error || ("Error " + r.status), true); return; }
    state.target = body.target;
    $("detected").textContent = data.detectedLanguage ?
      "(detected: " + data.detectedLanguage.language + ", " + data.detectedLanguage.confidence + "%)" : "";
    render(data.translatedText, data.report);
    status("Done.");
  }

  async function translateFile() {
    const f = $("file").files[0];
    const form = new FormData();
    form.append("file", f); form.append("source", $("source").value);
    form.append("target", $("target").value); form.append("glossary", $("glossary").value);
    const key = apiKey();
    if (key) form.append("api_key", key);
    clearText(); clearFile();
    status("Translating " + f.name + "…");
    const r = await fetch("translate_file", { method: "POST", body: form });
    const data = await r.json();
    if (!r.ok) { status(data.error || ("Error " + r.status), true); return; }
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

// Helsefellesskap-assistenten: chat page. Plain JavaScript, no build step, no external assets.
"use strict";

const STATUS = { gjeldende: "Gjeldende", forslag: "Forslag", innspill: "Høringsinnspill", ukjent: "Ukjent status" };
const KIND = {
  retningslinje: "Retningslinje", strategi: "Strategi", notat: "Notat", "høringsinnspill": "Høringsinnspill",
  samarbeidsavtale: "Samarbeidsavtale", protokoll: "Protokoll", ukjent: "Dokument",
};

const $ = (selector) => document.querySelector(selector);
const state = { history: [], busy: false, documents: null, docCache: new Map(), collection: "" };

// The collection a request uses ("" = the server's default for this key).
function withCollection(path) {
  if (!state.collection) return path;
  return `${path}${path.includes("?") ? "&" : "?"}collection=${encodeURIComponent(state.collection)}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// -- API ------------------------------------------------------------------------------------
function headers() {
  const h = { "Content-Type": "application/json" };
  const key = sessionStorage.getItem("hfa-key");
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

class ApiError extends Error {
  constructor(message, status) { super(message); this.status = status; }
}

async function failure(response) {
  let message = `Tjenesten svarte med feil ${response.status}.`;
  try { message = (await response.json()).error.message || message; } catch (_) { /* not JSON */ }
  return new ApiError(message, response.status);
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers() });
  if (response.status === 401) { await askForKey(); return api(path, options); }
  if (!response.ok) throw await failure(response);
  return response.json();
}

let pendingKey = null;

function askForKey() {  // one dialog, however many requests are waiting for it
  if (!pendingKey) {
    pendingKey = new Promise((resolve) => {
      const dialog = $("#key-dialog");
      dialog.hidden = false;
      $("#key-input").focus();
      $("#key-form").onsubmit = (event) => {
        event.preventDefault();
        sessionStorage.setItem("hfa-key", $("#key-input").value.trim());
        dialog.hidden = true;
        pendingKey = null;
        resolve();
      };
    });
  }
  return pendingKey;
}

// Server-sent events from POST /v1/ask/stream: "token" while an LLM writes, then "final".
async function askStream(body, onToken) {
  const response = await fetch("/v1/ask/stream", { method: "POST", headers: headers(), body: JSON.stringify(body) });
  if (response.status === 401) { await askForKey(); return askStream(body, onToken); }
  if (!response.ok) throw await failure(response);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trim());
      }
      const payload = JSON.parse(data.join("\n") || "null");
      if (event === "token") onToken(payload.text);
      else if (event === "final") return payload;
      else if (event === "error") throw new ApiError(payload.message, 500);
    }
  }
  throw new ApiError("Svaret ble avbrutt. Prøv igjen.", 500);
}

// -- rendering answers ------------------------------------------------------------------------
function withChips(text, citations) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(/\[(\d+)\]/g)) {
    const citation = citations.find((c) => c.id === Number(match[1]));
    if (!citation) continue;
    fragment.append(text.slice(last, match.index));
    fragment.append(el("button", {
      type: "button", class: "chip", title: `${citation.title}, ${citation.section}, s. ${citation.page}`,
      "aria-label": `Kilde ${citation.id}: ${citation.title}, ${citation.section}`,
      onclick: () => openSource(citation),
    }, `[${citation.id}]`));
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function renderText(container, text, citations) {
  let list = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("- ")) {
      if (!list) { list = el("ul"); container.append(list); }
      list.append(el("li", {}, withChips(line.slice(2), citations)));
    } else if (line.trim()) {
      list = null;
      container.append(el("p", {}, withChips(line, citations)));
    }
  }
}

function shorten(text, limit) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= limit ? flat : `${flat.slice(0, flat.lastIndexOf(" ", limit))} …`;
}

function plainText(result) {
  const lines = [result.answer];
  if (result.citations.length) {
    lines.push("", "Kilder:");
    for (const c of result.citations) lines.push(`[${c.id}] ${c.title}, ${c.section}, s. ${c.page}: «${c.quote}»`);
  }
  return lines.join("\n");
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    const area = el("textarea", {}, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const note = el("span", { class: "copied", role: "status" }, "Kopiert");
  button.after(note);
  setTimeout(() => note.remove(), 2500);
}

// The patient-data guard's answer: not found, and its warning sign first.
const isGuarded = (result) => !result.found && result.answer.startsWith("⚠️");

function renderAnswer(node, result) {
  node.replaceChildren();
  node.classList.toggle("refusal", !result.found);
  if (!result.found) {
    const warning = isGuarded(result);  // the patient-data guard: not searched at all
    node.append(el("p", { class: "status" }, warning ? "Ikke besvart" : "Fant ikke svar"));
    const text = result.answer.split("\n").filter((line) => !line.startsWith("- ")).join("\n");
    renderText(node, text, []);
    if (result.answer.includes("\n- ")) {
      const suggestions = el("ul", { class: "suggestions" });
      for (const p of result.passages.slice(0, 3)) {
        suggestions.append(el("li", {}, el("button", {
          type: "button", class: "source-link", onclick: () => openSource({ doc_id: p.doc_id, section: p.section }),
        }, `${p.title}, ${p.section} (s. ${p.page})`)));
      }
      node.append(suggestions);
    }
    return;
  }
  renderText(node, result.answer, result.citations);
  if (result.citations.length) {
    const list = el("ol");
    for (const c of result.citations) {
      list.append(el("li", {},
        el("button", {
          type: "button", class: "chip", "aria-label": `Kilde ${c.id}: ${c.title}, ${c.section}`,
          onclick: () => openSource(c),
        }, `[${c.id}]`), " ",
        el("button", { type: "button", class: "source-link", onclick: () => openSource(c) },
          `${c.title}, ${c.section}, s. ${c.page}`),
        " ", el("span", { class: "quote", title: c.quote }, `«${shorten(c.quote, 220)}»`)));
    }
    node.append(el("div", { class: "sources" }, el("h3", {}, "Kilder"), list));
  }
  const button = el("button", { type: "button", class: "plain copy", onclick: () => copy(plainText(result), button) },
    "Kopier svar");
  node.append(el("div", { class: "actions" }, button));
}

// -- chat -------------------------------------------------------------------------------------
async function send(question) {
  if (state.busy || !question.trim()) return;
  state.busy = true;
  $("#send").disabled = true;
  const log = $("#log");
  log.append(el("div", { class: "msg user" }, question));
  const node = el("div", { class: "msg assistant", "aria-busy": "true" },
    el("p", { class: "pending" }, "Søker i dokumentene …"));
  log.append(node);
  node.scrollIntoView({ block: "end" });
  const body = { question, history: state.history.slice(-10) };
  if (state.collection) body.collection = state.collection;
  const region = $("#region").value;
  if (region) body.filters = { region };
  try {
    let streamed = "";
    const result = await askStream(body, (token) => {
      streamed += token;
      node.replaceChildren(el("p", { class: "pending" }, streamed));
    });
    renderAnswer(node, result);
    // A question the patient-data guard stopped never enters the history: it leaves the
    // browser once, and is not sent again with the next question.
    if (!isGuarded(result)) {
      state.history.push({ role: "user", content: question }, { role: "assistant", content: result.answer });
    }
  } catch (error) {
    node.classList.add("error");
    node.replaceChildren(el("p", {}, error.message || "Noe gikk galt. Prøv igjen."));
  } finally {
    node.removeAttribute("aria-busy");
    node.scrollIntoView({ block: "end" });
    state.busy = false;
    $("#send").disabled = false;
    $("#question").focus();
  }
}

// -- sources ------------------------------------------------------------------------------------
const fold = (text) => text.normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase();

function highlight(container, text, quote) {
  const words = quote.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const match = words.length && words[0] ? new RegExp(words.join("\\s+"), "i").exec(text) : null;
  if (!match) { container.append(text); return false; }
  container.append(text.slice(0, match.index), el("mark", {}, match[0]), text.slice(match.index + match[0].length));
  return true;
}

async function loadDocument(docId) {
  const path = withCollection(`/v1/documents/${encodeURIComponent(docId)}`);
  if (!state.docCache.has(path)) state.docCache.set(path, await api(path));
  return state.docCache.get(path);
}

async function openSource(target) {
  const viewer = $("#viewer");
  const body = $("#viewer-body");
  viewer.hidden = false;
  $("#viewer-title").textContent = target.title || "Laster …";
  body.replaceChildren(el("p", { class: "pending" }, "Laster dokumentet …"));
  let doc;
  try {
    doc = await loadDocument(target.doc_id);
  } catch (error) {
    body.replaceChildren(el("p", {}, error.message));
    return;
  }
  $("#viewer-title").textContent = doc.title;
  const status = STATUS[doc.status] || doc.status;
  $("#viewer-meta").textContent = [doc.region_name, KIND[doc.kind] || doc.kind,
    doc.status_note ? `${status} (${doc.status_note})` : status, doc.date].filter(Boolean).join(" · ");
  body.replaceChildren();
  const quote = target.quote ? fold(target.quote) : "";
  const candidates = doc.content.filter((p) => p.section === target.section);
  const best = candidates.find((p) => quote && fold(p.text).includes(quote)) || candidates[0];
  let focus = null;
  for (const passage of doc.content) {
    const block = el("article", { class: "passage" },
      el("h3", {}, passage.section, " ", el("span", { class: "page" }, `s. ${passage.page}`)));
    const text = el("div", { class: "text" });
    if (passage === best) {
      block.classList.add("target");
      if (!(target.quote && highlight(text, passage.text, target.quote))) text.replaceChildren(passage.text);
      focus = block;
    } else {
      text.append(passage.text);
    }
    block.append(text);
    body.append(block);
  }
  $("#viewer-close").focus();
  if (focus) focus.scrollIntoView({ block: "center" });
}

function closeViewer() {
  $("#viewer").hidden = true;
  $("#question").focus();
}

// -- documents ----------------------------------------------------------------------------------
async function loadDocuments() {
  if (!state.documents) state.documents = (await api(withCollection("/v1/documents"))).documents;
  return state.documents;
}

async function showDocuments() {
  const rows = $("#docs-table tbody");
  try {
    const documents = await loadDocuments();
    rows.replaceChildren(...documents.map((d) => el("tr", {},
      el("td", {}, el("button", { type: "button", class: "source-link", onclick: () => openSource({ doc_id: d.doc_id, title: d.title }) }, d.title),
        el("div", { class: "meta" }, `${d.sections} avsnitt`)),
      el("td", {}, d.region_name), el("td", {}, KIND[d.kind] || d.kind),
      el("td", {}, STATUS[d.status] || d.status), el("td", {}, d.date))));
  } catch (error) {
    rows.replaceChildren(el("tr", {}, el("td", { colspan: "5" }, error.message)));
  }
}

// -- structure ----------------------------------------------------------------------------------
const KINDS = ["rolle", "sammensetning", "møter", "oppgaver", "myndighet"];
const KIND_TITLE = { rolle: "Rolle", sammensetning: "Sammensetning", møter: "Møter", oppgaver: "Oppgaver", myndighet: "Myndighet" };

function showBody(region, body, button) {
  document.querySelectorAll(".body-box").forEach((b) => b.setAttribute("aria-pressed", "false"));
  button.setAttribute("aria-pressed", "true");
  const box = $("#body-facts");
  box.replaceChildren(el("h3", {}, `${body.name} – ${region.name}`));
  for (const kind of KINDS) {
    const facts = body.facts.filter((f) => f.kind === kind);
    if (!facts.length) continue;
    box.append(el("h4", {}, KIND_TITLE[kind]));
    const list = el("ul");
    for (const [i, fact] of facts.entries()) {
      const c = fact.citation;
      list.append(el("li", {}, fact.text, " ", el("button", {
        type: "button", class: "chip", title: `${c.title}, ${c.section}, s. ${c.page}`,
        "aria-label": `Kilde ${i + 1}: ${c.title}, ${c.section}`,
        onclick: () => openSource({ doc_id: c.doc_id, section: c.section, quote: c.quote, title: c.title }),
      }, `kilde ${i + 1}`)));
    }
    box.append(list);
  }
  box.scrollIntoView({ block: "nearest" });
}

function tree(region, body, children) {
  const button = el("button", { type: "button", class: "body-box", "aria-pressed": "false" }, body.name);
  button.addEventListener("click", () => showBody(region, body, button));
  const node = el("div", { class: "tree" }, button);
  const kids = children.get(body.id) || [];
  if (kids.length) node.append(el("div", { class: "children" }, ...kids.map((k) => tree(region, k, children))));
  return node;
}

async function showStructure() {
  const box = $("#structure-regions");
  try {
    const { regions } = await api(withCollection("/v1/structure"));
    box.replaceChildren(...regions.map((region) => {
      const children = new Map();
      for (const body of region.bodies) {
        const parent = body.reports_to || "";
        if (!children.has(parent)) children.set(parent, []);
        children.get(parent).push(body);
      }
      const roots = children.get("") || [];
      return el("div", { class: "region-map" }, el("h3", {}, region.name), ...roots.map((r) => tree(region, r, children)));
    }));
    if (!regions.length) box.replaceChildren(el("p", {}, "Ingen strukturkart for denne samlingen."));
  } catch (error) {
    box.replaceChildren(el("p", {}, error.message));
  }
}

// -- drafts -------------------------------------------------------------------------------------
function renderMarkdown(container, markdown, citations) {
  container.replaceChildren();
  let list = null;
  for (const line of markdown.split("\n")) {
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    if (heading) {
      list = null;
      container.append(el(`h${Math.min(heading[1].length + 1, 4)}`, {}, heading[2]));
    } else if (/^(- |\d+\. )/.test(line)) {
      if (!list) { list = el("ul"); container.append(list); }
      list.append(el("li", {}, withChips(line.replace(/^(- |\d+\. )/, ""), citations)));
    } else if (line.trim()) {
      list = null;
      container.append(el("p", {}, withChips(line.replace(/\*\*/g, "").replace(/^\*|\*$/g, ""), citations)));
    }
  }
}

function download(name, blob) {
  const link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

async function makeDraft(event) {
  event.preventDefault();
  const topic = $("#draft-topic").value.trim();
  const output = $("#draft-output");
  if (!topic) { output.replaceChildren(el("p", {}, "Skriv et tema for saken.")); return; }
  const body = { topic, from_body: $("#draft-from").value };
  if (state.collection) body.collection = state.collection;
  output.replaceChildren(el("p", { class: "pending" }, "Lager utkast …"));
  try {
    const draft = await api("/v1/draft", { method: "POST", body: JSON.stringify(body) });
    renderMarkdown(output, draft.markdown, draft.citations);
    $("#draft-actions").hidden = false;
    const name = `saksfremlegg-${topic.toLowerCase().replace(/[^a-z0-9æøå]+/g, "-").slice(0, 60)}`;
    $("#draft-md").onclick = () => download(`${name}.md`, new Blob([draft.markdown], { type: "text/markdown" }));
    $("#draft-docx").onclick = async () => {
      const response = await fetch("/v1/draft/docx", { method: "POST", headers: headers(), body: JSON.stringify(body) });
      if (!response.ok) { output.prepend(el("p", {}, (await failure(response)).message)); return; }
      download(`${name}.docx`, await response.blob());
    };
  } catch (error) {
    $("#draft-actions").hidden = true;
    output.replaceChildren(el("p", {}, error.message));
  }
}

function showView(name) {
  const views = { chat: "#chat-view", docs: "#docs-view", structure: "#structure-view", draft: "#draft-view" };
  for (const [key, selector] of Object.entries(views)) {
    $(selector).hidden = key !== name;
    $(`#tab-${key}`).setAttribute("aria-pressed", String(key === name));
  }
  if (name === "docs") showDocuments();
  else if (name === "structure") showStructure();
  else $("#question").focus();
}

async function fillRegions() {
  try {
    const seen = new Map();
    for (const d of await loadDocuments()) seen.set(d.region, d.region_name);
    $("#region").replaceChildren(el("option", { value: "" }, "Alle"));
    for (const [id, name] of seen) $("#region").append(el("option", { value: id }, name));
  } catch (_) { /* the chat still works without the region list */ }
}

// Several collections (one per health community): a selector, and a new conversation
// when it changes (history from one collection means nothing in another).
async function fillCollections() {
  try {
    const { collections, default: first } = await api("/v1/collections");
    if (collections.length < 2) return;
    for (const c of collections) $("#collection").append(el("option", { value: c.name }, c.title));
    $("#collection").value = state.collection || first;
    state.collection = $("#collection").value;
    $("#collection-box").hidden = false;
  } catch (_) { /* one collection: nothing to choose */ }
}

// -- wiring -------------------------------------------------------------------------------------
$("#ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const question = $("#question").value;
  $("#question").value = "";
  send(question);
});
$("#question").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("#ask-form").requestSubmit();
  }
});
$("#new-chat").addEventListener("click", () => {
  state.history = [];
  $("#log").replaceChildren(el("p", { class: "intro" }, "Ny samtale. Still et spørsmål."));
  $("#question").focus();
});
$("#viewer-close").addEventListener("click", closeViewer);
document.addEventListener("keydown", (event) => { if (event.key === "Escape" && !$("#viewer").hidden) closeViewer(); });
$("#tab-chat").addEventListener("click", () => showView("chat"));
$("#tab-docs").addEventListener("click", () => showView("docs"));
$("#tab-structure").addEventListener("click", () => showView("structure"));
$("#tab-draft").addEventListener("click", () => showView("draft"));
$("#draft-form").addEventListener("submit", makeDraft);
// A link from Slack or Teams: /#kilde?doc=…&section=…&quote=… opens that source.
function openLinkedSource() {
  if (!location.hash.startsWith("#kilde?")) return;
  const params = new URLSearchParams(location.hash.slice("#kilde?".length));
  if (params.get("collection")) state.collection = params.get("collection");
  if (params.get("doc")) {
    openSource({ doc_id: params.get("doc"), section: params.get("section") || "", quote: params.get("quote") || "" });
  }
}
window.addEventListener("hashchange", openLinkedSource);
$("#collection").addEventListener("change", () => {
  state.collection = $("#collection").value;
  state.documents = null;
  state.history = [];
  $("#log").replaceChildren(el("p", { class: "intro" }, `Ny samtale i ${$("#collection").selectedOptions[0].textContent}.`));
  fillRegions();
});
openLinkedSource();
fillCollections().then(fillRegions);
$("#question").focus();

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

function renderAnswer(node, result) {
  node.replaceChildren();
  node.classList.toggle("refusal", !result.found);
  if (!result.found) {
    const warning = result.answer.startsWith("⚠️");  // the patient-data guard: not searched at all
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
        el("button", { type: "button", class: "chip", onclick: () => openSource(c) }, `[${c.id}]`), " ",
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
    state.history.push({ role: "user", content: question }, { role: "assistant", content: result.answer });
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

function showView(name) {
  const chat = name === "chat";
  $("#chat-view").hidden = !chat;
  $("#docs-view").hidden = chat;
  $("#tab-chat").setAttribute("aria-pressed", String(chat));
  $("#tab-docs").setAttribute("aria-pressed", String(!chat));
  if (!chat) showDocuments();
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

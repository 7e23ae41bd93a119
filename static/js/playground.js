// The playground: calls the same gateway applications call (/v1/…, /api/inference/…) with the
// user's session and CSRF token, streams a chat reply into the page as its events arrive
// (fetch + ReadableStream), and shows the same request as curl and Python (openai) code.
// Its words come from data-text-* attributes of #playground (translated by the template).
(() => {
  "use strict";
  const root = document.getElementById("playground");
  if (!root) return;
  const form = document.getElementById("playground-form");
  const reply = root.querySelector("[data-testid=playground-reply]");
  const stats = root.querySelector("[data-testid=playground-stats]");
  const curlBox = document.getElementById("snippet-curl");
  const pythonBox = document.getElementById("snippet-python");
  const data = root.dataset;
  const pane = data.pane;

  function value(name) {
    const field = form.elements.namedItem(name);
    return field ? field.value : "";
  }

  function chatBody() {
    const messages = [];
    if (value("system").trim()) messages.push({ role: "system", content: value("system") });
    messages.push({ role: "user", content: value("prompt") });
    const body = { model: data.model, messages, stream: true };
    const temperature = parseFloat(value("temperature"));
    if (!Number.isNaN(temperature)) body.temperature = temperature;
    const maxTokens = parseInt(value("max_tokens"), 10);
    if (!Number.isNaN(maxTokens)) body.max_tokens = maxTokens;
    const stop = value("stop").split(",").map((s) => s.trim()).filter(Boolean);
    if (stop.length) body.stop = stop;
    return body;
  }

  function rawInputs() {
    const inputs = {};
    for (const area of form.querySelectorAll("[data-input-name]")) {
      inputs[area.dataset.inputName] = JSON.parse(area.value || "[]");
    }
    return inputs;
  }

  // [url (relative), absolute url, body] of the current request.
  function request() {
    if (pane === "chat") return [data.chatUrl, `${data.base}/chat/completions`, chatBody()];
    if (pane === "embeddings") {
      return [data.embeddingsUrl, `${data.base}/embeddings`,
        { model: data.model, input: [value("text_a"), value("text_b")] }];
    }
    if (pane === "classification") {
      return [data.inferenceUrl, data.inferenceAbsolute, { inputs: value("text") }];
    }
    let inputs = {};
    try { inputs = rawInputs(); } catch (error) { inputs = {}; }
    return [data.inferenceUrl, data.inferenceAbsolute, { inputs }];
  }

  // Python's spelling of JSON's constants, for the snippets.
  const PYTHON_CONSTANTS = { true: "True", false: "False", null: "None" };

  function pythonLiteral(value) {
    return JSON.stringify(value, null, 4)
      .split("\n")
      .map((line) => line.replace(/\b(true|false|null)\b/g, (word) => PYTHON_CONSTANTS[word]))
      .join("\n");
  }

  function indented(text) {
    return text.split("\n").join("\n    ");
  }

  // The code of each snippet comes from the page (<template id="snippet-templates">):
  // `{name}` is filled in here, `{{` and `}}` are literal braces.
  function fill(name, values) {
    const source = document.querySelector("#snippet-templates").content
      .querySelector(`[data-snippet="${name}"]`).textContent;
    return source.replace(/\{\{|\}\}|\{(\w+)\}/g, (match, field) => {
      if (match === "{{") return "{";
      if (match === "}}") return "}";
      return values[field] ?? "";
    });
  }

  function showSnippets() {
    const [, absolute, body] = request();
    const key = data.textKey;
    curlBox.textContent = fill("curl", {
      stream: pane === "chat" ? "-N " : "",
      url: absolute,
      key,
      json: JSON.stringify(body).split("'").join("'\\''"),
    });
    if (pane === "chat" || pane === "embeddings") {
      const args = Object.entries(body)
        .map(([name, item]) => `    ${name}=${indented(pythonLiteral(item))},`)
        .join("\n");
      pythonBox.textContent = fill(pane, { base: data.base, key, args });
    } else {
      pythonBox.textContent = fill("task", { url: absolute, key, body: indented(pythonLiteral(body)) });
    }
  }

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
      body: JSON.stringify(body),
    });
  }

  async function failure(response) {
    let message = `${response.status}`;
    try {
      const answer = await response.json();
      if (answer && answer.error && answer.error.message) message = answer.error.message;
    } catch (error) { /* not JSON: the status says enough */ }
    return `${data.textError} ${message}`;
  }

  // Reads server-sent events as they arrive and appends each chunk's text to the reply.
  async function streamChat(url, body) {
    const started = performance.now();
    let firstAt = null;
    let chunks = 0;
    const response = await post(url, body);
    if (!response.ok) { reply.textContent = await failure(response); return; }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = "";
    for (;;) {
      const { done, value: bytes } = await reader.read();
      if (done) break;
      pending += decoder.decode(bytes, { stream: true });
      const events = pending.split("\n\n");
      pending = events.pop();
      for (const event of events) {
        const line = event.split("\n").find((l) => l.startsWith("data:"));
        if (!line) continue;
        const payload = line.slice(5).trim();
        if (payload === "[DONE]") continue;
        let chunk;
        try { chunk = JSON.parse(payload); } catch (error) { continue; }
        if (chunk.error) { reply.textContent += `\n${data.textError} ${chunk.error.message}`; continue; }
        const text = (chunk.choices || []).map((c) => (c.delta && c.delta.content) || "").join("");
        if (!text) continue;
        if (firstAt === null) firstAt = performance.now();
        chunks += 1;
        reply.textContent += text;
      }
    }
    if (firstAt !== null) {
      const seconds = (performance.now() - firstAt) / 1000;
      const rate = chunks > 1 && seconds > 0 ? ((chunks - 1) / seconds).toFixed(1) : "—";
      stats.textContent = `${data.textTtft}: ${Math.round(firstAt - started)} ms · ` +
        `${data.textRate}: ${rate}`;
    }
  }

  function cosine(a, b) {
    let dot = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i += 1) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
    return dot / (Math.sqrt(na) * Math.sqrt(nb) || 1);
  }

  async function send() {
    reply.textContent = "";
    stats.textContent = "";
    let url, body;
    try { [url, , body] = request(); if (pane === "raw") rawInputs(); } catch (error) {
      reply.textContent = data.textBadJson;
      return;
    }
    if (pane === "chat") { await streamChat(url, body); return; }
    const response = await post(url, body);
    if (!response.ok) { reply.textContent = await failure(response); return; }
    const answer = await response.json();
    if (pane === "embeddings") {
      const [a, b] = answer.data.map((item) => item.embedding);
      reply.textContent = `${data.textSimilarity}: ${cosine(a, b).toFixed(4)}`;
    } else if (pane === "classification") {
      reply.textContent = answer.map((item) => `${item.label}: ${item.score.toFixed(4)}`).join("\n");
    } else {
      reply.textContent = JSON.stringify(answer, null, 2);
    }
  }

  form.addEventListener("input", showSnippets);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send().catch((error) => { reply.textContent = `${data.textError} ${error}`; });
  });
  showSnippets();
})();

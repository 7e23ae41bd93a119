// The version page's uploader (files, folders, drag-and-drop).
// Each file goes as its own raw request body with its path in X-Upload-Path, so the server
// streams it to storage without multipart parsing; a <progress> per file shows how far it is.
(() => {
  "use strict";

  const form = document.querySelector("form[data-uploader]");
  if (!form) return;

  const list = form.querySelector("[data-upload-list]");
  const template = form.querySelector("template[data-upload-item]");
  const dropZone = form.querySelector("[data-drop-zone]");
  const text = (name) => form.querySelector(`[data-text-${name}]`).textContent;
  const queue = [];
  let running = 0;
  const PARALLEL = 1; // one at a time: a big file gets the whole link

  function addItem(file, path, refusal) {
    const node = template.content.firstElementChild.cloneNode(true);
    node.querySelector(".upload-path").textContent = path;
    node.querySelector(".upload-state").textContent = text("waiting");
    node.dataset.path = path;
    list.append(node);
    const item = { file, path, node };
    if (refusal) {
      running += 1; // finish() counts it back down
      finish(item, false, refusal);
    } else {
      queue.push(item);
    }
  }

  // One upload is one batch: two files with the same path in it are refused (S-38), as the
  // server does for a multipart upload, instead of the second silently replacing the first.
  function addBatch(pairs) {
    const seen = new Map();
    pairs.forEach(({ path }) => seen.set(path, (seen.get(path) || 0) + 1));
    pairs.forEach(({ file, path }) =>
      addItem(file, path, seen.get(path) > 1 ? text("duplicate") : ""),
    );
    pump();
  }

  // The file browser, and with it (out of band) the version's facts and the model header,
  // whose sizes and counts follow the files.
  function refreshBrowser() {
    if (window.htmx && document.getElementById("file-browser")) {
      window.htmx.ajax("GET", window.location.href, { target: "#file-browser", swap: "outerHTML" });
    }
  }

  function finish(item, ok, message) {
    const progress = item.node.querySelector("progress");
    item.node.classList.add(ok ? "done" : "failed");
    item.node.querySelector(".upload-state").textContent = ok ? text("done") : text("failed");
    if (ok) progress.value = 100;
    if (!ok && message) {
      const error = document.createElement("p");
      error.className = "upload-error";
      error.setAttribute("role", "alert");
      error.textContent = message;
      item.node.append(error);
    }
    running -= 1;
    if (running === 0 && queue.length === 0) refreshBrowser();
    pump();
  }

  function send(item) {
    running += 1;
    const xhr = new XMLHttpRequest();
    const progress = item.node.querySelector("progress");
    item.node.querySelector(".upload-state").textContent = "0%";
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", form.dataset.csrf);
    xhr.setRequestHeader("X-Upload-Path", encodeURIComponent(item.path));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.floor((event.loaded / event.total) * 100);
      progress.value = Math.min(percent, 99);
      item.node.querySelector(".upload-state").textContent = `${progress.value}%`;
    });
    xhr.addEventListener("load", () => {
      const ok = xhr.status >= 200 && xhr.status < 300;
      let message = "";
      if (!ok) {
        try {
          message = JSON.parse(xhr.responseText).error || "";
        } catch (_error) {
          // Not the hub's JSON answer (a proxy's page): the browser's status text would be
          // English whatever the page's language.
        }
        message ||= text("refused").replace("%(status)s", xhr.status);
      }
      finish(item, ok, message);
    });
    xhr.addEventListener("error", () => finish(item, false, text("connection-lost")));
    xhr.send(item.file);
  }

  function pump() {
    while (running < PARALLEL && queue.length) send(queue.shift());
  }

  // A chosen folder keeps its own name as the top directory, as a dropped one does:
  // webkitRelativePath starts with it ("my-model/config.json").
  function addFiles(files, useRelativePath) {
    addBatch(
      [...files].map((file) => ({
        file,
        path: (useRelativePath && file.webkitRelativePath) || file.name,
      })),
    );
  }

  form.querySelector("[data-file-input]").addEventListener("change", (event) => {
    addFiles(event.target.files, false);
    event.target.value = "";
  });
  form.querySelector("[data-folder-input]").addEventListener("change", (event) => {
    addFiles(event.target.files, true);
    event.target.value = "";
  });

  function readEntries(reader) {
    return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  }

  async function walk(entry, prefix, out) {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ file, path: prefix + file.name });
      return;
    }
    const reader = entry.createReader();
    for (;;) {
      const entries = await readEntries(reader);
      if (!entries.length) break;
      for (const child of entries) await walk(child, `${prefix}${entry.name}/`, out);
    }
  }

  ["dragenter", "dragover"].forEach((type) =>
    dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      dropZone.classList.add("dragging");
    }),
  );
  ["dragleave", "drop"].forEach((type) =>
    dropZone.addEventListener(type, () => dropZone.classList.remove("dragging")),
  );
  dropZone.addEventListener("drop", async (event) => {
    event.preventDefault();
    const entries = [...event.dataTransfer.items]
      .map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry())
      .filter(Boolean);
    if (!entries.length) {
      addFiles(event.dataTransfer.files, false);
      return;
    }
    const found = [];
    for (const entry of entries) await walk(entry, "", found);
    addBatch(found);
  });

  window.addEventListener("beforeunload", (event) => {
    if (running || queue.length) event.preventDefault();
  });
})();

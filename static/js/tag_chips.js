// Tag chips (issue 11): a comma-separated tags field becomes chips with a remove button and
// an entry that suggests the tags in use (most used first). The field itself stays the form's
// value, as a hidden input holding "a, b, c", so the server sees what it sees without
// JavaScript, where the plain text field is left as it is.
// Suggestions: the field's <datalist> (the create/edit form) or `data-suggest-url` (the list's
// filters: JSON {"tags": [...]}, read once, on first use). No inline scripts: the CSP forbids
// them; words come from #tag-chip-texts, which the page translates.
(() => {
  const MAX_SHOWN = 8;
  const SEPARATORS = /[,、，]/;
  const texts = () => document.getElementById("tag-chip-texts")?.dataset || {};
  const sameTag = (name) => name.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  const squeeze = (name) => name.split(/\s+/).filter(Boolean).join(" ");
  let counter = 0;

  const suggestionSource = (field) => {
    const list = field.getAttribute("list") && document.getElementById(field.getAttribute("list"));
    if (list) {
      const names = Array.from(list.options, (option) => option.value);
      return () => Promise.resolve(names);
    }
    const url = field.dataset.suggestUrl;
    if (!url) return () => Promise.resolve([]);
    let pending = null;
    return () => {
      pending ??= fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { tags: [] }))
        .then((data) => data.tags || [])
        .catch(() => {
          pending = null;
          return [];
        });
      return pending;
    };
  };

  const enhance = (field) => {
    if (field.dataset.tagChips === "on") return;
    field.dataset.tagChips = "on";
    const suggestions = suggestionSource(field);
    const number = ++counter;

    const box = document.createElement("div");
    box.className = "tag-chips";
    box.dataset.tagChipsFor = field.name;
    const chipList = document.createElement("ul");
    chipList.className = "tag-chip-list";
    const entry = document.createElement("input");
    entry.type = "text";
    entry.className = "tag-entry";
    entry.autocomplete = "off";
    // The examples only while there is no chip: beside chips they read as chosen tags.
    const placeholder = field.placeholder;
    entry.setAttribute("role", "combobox");
    entry.setAttribute("aria-autocomplete", "list");
    entry.setAttribute("aria-expanded", "false");
    const listbox = document.createElement("ul");
    listbox.className = "tag-suggestions";
    listbox.id = `tag-suggestions-${number}`;
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", texts().suggestions || "");
    listbox.hidden = true;
    entry.setAttribute("aria-controls", listbox.id);
    // The label now names the entry: the id moves to it.
    entry.id = field.id;
    field.removeAttribute("id");
    if (field.getAttribute("aria-describedby")) {
      entry.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));
    }
    if (field.getAttribute("aria-invalid")) entry.setAttribute("aria-invalid", field.getAttribute("aria-invalid"));
    box.append(chipList, entry, listbox);
    field.after(box);
    field.removeAttribute("list");
    field.type = "hidden";

    let chips = [];
    let shown = [];
    let active = -1;

    // The value last announced with a change event: typing updates the value at once (the
    // live preview follows the typing) but announces it only once the tag is made.
    let announced = field.value;
    const sync = (announce) => {
      const pending = squeeze(entry.value);
      field.value = [...chips, ...(pending ? [pending] : [])].join(", ");
      // Chips made or removed without typing still tell the form (the live preview, the
      // list's filters) that the value changed.
      if (announce && field.value !== announced) {
        announced = field.value;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
    };

    const drawChips = () => {
      entry.placeholder = chips.length ? "" : placeholder;
      // The page gives the words (templates/catalog/_tag_chip_texts.html).
      const removeLabel = texts().remove || "× {tag}";
      chipList.replaceChildren(
        ...chips.map((name, index) => {
          const item = document.createElement("li");
          item.classList.add("tag-chip", "tag", `tag-${field.dataset.tagInput}`);
          item.dataset.tagChip = name;
          const label = document.createElement("span");
          label.textContent = name;
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "tag-chip-remove";
          remove.textContent = "×";
          remove.setAttribute("aria-label", removeLabel.replace("{tag}", name));
          remove.addEventListener("click", () => {
            chips.splice(index, 1);
            drawChips();
            sync(true);
            entry.focus();
          });
          item.append(label, remove);
          return item;
        }),
      );
    };

    const addChip = (raw) => {
      const name = squeeze(raw);
      if (name && !chips.some((chip) => sameTag(chip) === sameTag(name))) chips.push(name);
    };

    const close = () => {
      listbox.hidden = true;
      entry.setAttribute("aria-expanded", "false");
      entry.removeAttribute("aria-activedescendant");
      active = -1;
    };

    const highlight = (index) => {
      active = index;
      Array.from(listbox.children).forEach((option, n) => option.setAttribute("aria-selected", String(n === index)));
      if (index >= 0) entry.setAttribute("aria-activedescendant", listbox.children[index].id);
      else entry.removeAttribute("aria-activedescendant");
    };

    const commit = (name) => {
      addChip(name);
      entry.value = "";
      drawChips();
      sync(true);
      close();
    };

    const open = () =>
      suggestions().then((names) => {
        if (document.activeElement !== entry) return;
        const typed = sameTag(entry.value);
        const chosen = new Set(chips.map(sameTag));
        shown = names
          .filter((name) => !chosen.has(sameTag(name)) && sameTag(name).includes(typed))
          .slice(0, MAX_SHOWN);
        listbox.replaceChildren(
          ...shown.map((name, n) => {
            const option = document.createElement("li");
            option.id = `${listbox.id}-${n}`;
            option.setAttribute("role", "option");
            option.setAttribute("aria-selected", "false");
            option.className = "tag-suggestion";
            option.textContent = name;
            // Before the entry loses focus, so the click lands on this suggestion.
            option.addEventListener("mousedown", (event) => {
              event.preventDefault();
              commit(name);
              open();
            });
            return option;
          }),
        );
        active = -1;
        listbox.hidden = shown.length === 0;
        entry.setAttribute("aria-expanded", String(!listbox.hidden));
      });

    entry.addEventListener("input", () => {
      // A comma (typed or pasted) ends a tag; a Japanese input method's comma too (the
      // hidden field joins the tags with ASCII commas, which is what the server reads).
      if (SEPARATORS.test(entry.value)) {
        const parts = entry.value.split(SEPARATORS);
        entry.value = parts.pop().trimStart();
        parts.forEach(addChip);
        drawChips();
        sync(true);
      } else {
        sync(false);
      }
      open();
    });

    entry.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (listbox.hidden) {
          open();
          return;
        }
        event.preventDefault();
        // Past either end the highlight leaves the list: Enter then takes what is typed.
        let next = active + (event.key === "ArrowDown" ? 1 : -1);
        if (next >= shown.length) next = -1;
        if (next < -1) next = shown.length - 1;
        highlight(next);
      } else if (event.key === "Enter") {
        const picked = active >= 0 ? shown[active] : entry.value;
        // An empty entry lets Enter submit the form, as in any text field.
        if (!squeeze(picked)) return;
        event.preventDefault();
        commit(picked);
      } else if (event.key === "Escape" && !listbox.hidden) {
        event.preventDefault();
        close();
      } else if (event.key === "Backspace" && entry.value === "" && chips.length) {
        chips.pop();
        drawChips();
        sync(true);
      }
    });

    entry.addEventListener("focus", open);
    entry.addEventListener("blur", () => {
      close();
      if (squeeze(entry.value)) commit(entry.value);
    });
    // The entry is not the form's value: its own change events would announce a half-typed
    // tag (the hidden field announces every real change).
    entry.addEventListener("change", (event) => event.stopPropagation());

    field.value.split(",").forEach(addChip);
    drawChips();
    sync(false);
    announced = field.value;
  };

  const enhanceWithin = (root) => {
    if (!root?.querySelectorAll) return;
    root.querySelectorAll("input[data-tag-input]").forEach(enhance);
  };
  document.addEventListener("DOMContentLoaded", () => enhanceWithin(document));
  // Content htmx puts in (a restored history page) is enhanced as it arrives.
  document.addEventListener("htmx:load", (event) => enhanceWithin(event.detail.elt));
})();

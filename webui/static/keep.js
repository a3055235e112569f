// Nothing typed is lost by a sign-out: a form marked data-keep-typed keeps what the
// user types in this tab's sessionStorage (gone when the tab closes: office PCs are
// shared), per user and page.  Sent after the session ended, the form comes back
// after the sign-in with the text put back.  Every text shown comes from the page.
(() => {
  const PREFIX = "gongkai.keep|";
  const SKIPPED = new Set(["password", "hidden", "file", "submit", "button", "reset", "image"]);

  let store;
  try {
    store = window.sessionStorage;
    store.getItem(PREFIX); // throws where storage is forbidden
  } catch {
    return;
  }

  const keys = () => {
    const found = [];
    for (let i = 0; i < store.length; i += 1) {
      const key = store.key(i);
      if (key && key.startsWith(PREFIX)) found.push(key);
    }
    return found;
  };
  const read = (key) => {
    try {
      return JSON.parse(store.getItem(key));
    } catch {
      return null;
    }
  };
  const write = (key, entry) => {
    try {
      store.setItem(key, JSON.stringify(entry));
    } catch {
      // Storage full or refused: the form still works, only unkept.
    }
  };

  // The fields kept: what the user types or picks, never secrets, tokens or files.
  const fields = (form) =>
    Array.from(form.elements).filter(
      (el) =>
        el.name &&
        el.name !== "csrf_token" &&
        !el.disabled &&
        !SKIPPED.has(el.type) &&
        ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName),
    );
  const snapshot = (form) => {
    const seen = {};
    const values = {};
    for (const el of fields(form)) {
      const n = (seen[el.name] = (seen[el.name] || 0) + 1);
      const id = `${el.name}#${n}`;
      if (el.type === "checkbox" || el.type === "radio") values[id] = el.checked;
      else if (el.type === "select-multiple")
        values[id] = Array.from(el.selectedOptions, (o) => o.value);
      else values[id] = el.value;
    }
    return values;
  };
  const apply = (form, values) => {
    const seen = {};
    for (const el of fields(form)) {
      const n = (seen[el.name] = (seen[el.name] || 0) + 1);
      const id = `${el.name}#${n}`;
      if (!(id in values)) continue;
      const value = values[id];
      if (el.type === "checkbox" || el.type === "radio") el.checked = Boolean(value);
      else if (el.type === "select-multiple")
        for (const o of el.options) o.selected = value.includes(o.value);
      else el.value = value;
    }
  };
  // Line ends and surrounding blanks are no reason to say "restored".
  const same = (kept, shown) =>
    Object.keys(kept).every((id) => {
      const a = kept[id];
      const b = shown[id];
      if (typeof a === "string" && typeof b === "string")
        return a.replace(/\r\n?/g, "\n").trim() === b.replace(/\r\n?/g, "\n").trim();
      return JSON.stringify(a) === JSON.stringify(b);
    });

  // The sign-in page: a sign-out (no way back to a page) forgets everything kept;
  // a session that ended keeps only the form sent to the page the sign-in goes back to.
  const signIn = () => {
    let back = null;
    const next = new URLSearchParams(window.location.search).get("next");
    if (next) {
      try {
        back = new URL(next, window.location.origin).pathname;
      } catch {
        back = null;
      }
    }
    let kept = false;
    for (const key of keys()) {
      const entry = read(key);
      if (entry && entry.sent && back && entry.path === back) {
        kept = true;
        write(key, { ...entry, back: true });
      } else store.removeItem(key);
    }
    const note = document.getElementById("keep-note");
    if (kept && note) note.hidden = false;
  };

  const notice = (form, key, shown) => {
    const box = document.createElement("div");
    box.className = "flash keep-notice";
    box.setAttribute("role", "status");
    form.before(box);
    // Filled once in the page, so that screen readers announce it.
    window.setTimeout(() => {
      const text = document.createElement("p");
      text.textContent = form.dataset.keepRestored || "";
      const discard = document.createElement("button");
      discard.type = "button";
      discard.textContent = form.dataset.keepDiscard || "";
      discard.addEventListener("click", () => {
        apply(form, shown);
        store.removeItem(key);
        box.remove();
        const first = fields(form)[0];
        if (first) first.focus();
      });
      box.append(text, discard);
    }, 50);
  };

  const keep = (form, index) => {
    const user = form.dataset.keepUser || "";
    const path = window.location.pathname;
    const key = `${PREFIX}${user}|${path}|${index}`;
    const shown = snapshot(form);
    const entry = read(key);
    // A copy sent from here comes back only by way of the sign-in or an error page:
    // otherwise the server took it (the page after it may not have said so yet).
    if (entry && entry.sent && !entry.back) store.removeItem(key);
    else if (entry && entry.values) {
      if (same(entry.values, shown)) {
        store.removeItem(key); // the server shows it already (saved, or sent back to correct)
      } else {
        apply(form, entry.values);
        write(key, { path, sent: false, values: snapshot(form) });
        notice(form, key, shown);
      }
    }
    const save = (sent) => write(key, { path, sent, values: snapshot(form) });
    let timer = 0;
    const later = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => save(false), 300);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return; // not sent: asked to confirm, and declined
      window.clearTimeout(timer);
      save(true);
    });
    return key;
  };

  // The status of this page, where the browser tells it (0 where it does not).
  const status = () => {
    const [navigation] = performance.getEntriesByType("navigation");
    return (navigation && navigation.responseStatus) || 0;
  };

  document.addEventListener("DOMContentLoaded", () => {
    const login = document.querySelector("form[data-keep-signin]");
    if (login) {
      signIn();
      return;
    }
    const forms = Array.from(document.querySelectorAll("form[data-keep-typed]"));
    const users = new Set(forms.map((form) => form.dataset.keepUser || ""));
    const here = new Set(forms.map(keep));
    // A form sent from another page and not shown again was accepted (or left):
    // forget it, unless this page says something went wrong (the user may go back).
    const failed = status() >= 400;
    for (const key of keys()) {
      if (here.has(key)) continue;
      const entry = read(key);
      const user = key.slice(PREFIX.length).split("|")[0];
      if (!entry || (forms.length && !users.has(user)) || (entry.sent && !failed))
        store.removeItem(key);
      else if (entry.sent && failed) write(key, { ...entry, back: true });
    }
  });
})();

// The site's only script, kept out of the HTML so that the Content-Security-Policy
// forbids inline script.
document.addEventListener("DOMContentLoaded", () => {
  // Print buttons.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // A form that came back with errors: the keyboard lands on the first field to
  // correct (its message is tied to it by aria-describedby), else on the alert.
  // After an action the page says what became of it (已提交…): the keyboard starts
  // there, not at the top of the page, and a screen reader reads it; a page whose
  // box takes the focus itself (登录) keeps it there.
  const invalid = document.querySelector("main [aria-invalid='true']");
  const alert =
    document.querySelector("main form [role='alert'], main .error[role='alert']") ||
    (!document.querySelector("main [autofocus]") && document.querySelector("main > .flash"));
  if (invalid) {
    invalid.focus();
  } else if (alert) {
    alert.tabIndex = -1;
    alert.focus();
  }
  // A field that matters only for some choices of another (the handler's reply for
  // 拟定答复) is shown with them; one that came back with an error stays. Without this
  // script every field shows, and the form's own checks say what is needed either way.
  for (const field of document.querySelectorAll("main [data-shown-when]")) {
    const control = document.getElementById(`f-${field.dataset.shownWhen}`);
    if (!control) continue;
    const wanted = field.dataset.shownFor.split(" ");
    const update = () => {
      field.hidden = !wanted.includes(control.value) && !field.classList.contains("has-error");
    };
    control.addEventListener("change", update);
    update();
  }
  // A finding the reviewer unticks is kept as written: its mark in the text stops
  // looking like one to hide, so what will be de-identified is what stays highlighted.
  for (const box of document.querySelectorAll("main fieldset.findings input[type='checkbox']")) {
    const mark = document.getElementById(`finding-${box.value}`);
    if (!mark) continue;
    const update = () => mark.classList.toggle("kept", !box.checked);
    box.addEventListener("change", update);
    update();
  }
  // A table wider than the screen scrolls in its own box: that box then takes the
  // keyboard's focus (arrow keys scroll it) and is named after the table.
  const scrollers = document.querySelectorAll("main .table-scroll");
  const fitTables = () => {
    for (const box of scrollers) {
      const table = box.querySelector("table");
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        const caption = table && table.caption ? table.caption.textContent.trim() : "";
        const heading = document.querySelector("main h1");
        box.setAttribute("aria-label", caption || (heading ? heading.textContent.trim() : ""));
      } else if (box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  fitTables();
  window.addEventListener("resize", fitTables);
  // In a draft, Enter in a one-line box saves it (保存草稿) instead of submitting it for
  // review, the form's first button: whoever presses Enter after the title has not finished.
  // Enter that ends an input method's composition (拼音) is the input method's.
  const KEYS_NOT_TYPED = new Set(["submit", "button", "reset", "image", "file"]);
  for (const save of document.querySelectorAll(
    "main form button[name='action'][value='save'], main form button[name='_action'][value='save']",
  )) {
    save.form.addEventListener("keydown", (event) => {
      const box = event.target;
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
      if (!(box instanceof HTMLInputElement) || KEYS_NOT_TYPED.has(box.type)) return;
      event.preventDefault();
      save.click();
    });
  }
  // An action that cannot simply be undone asks first (停用账号 revokes tokens for good).
  // A form that does it for one choice only (the publisher's 发布, not 退回重新审查) names
  // the field and the choices that ask.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      const field = form.dataset.confirmWhen && form.elements[form.dataset.confirmWhen];
      if (field && !form.dataset.confirmFor.split(" ").includes(field.value)) return;
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // The admin's menu closes with Escape, back on its button, and when the keyboard
  // or a click leaves it (it would stay open over the page).
  for (const menu of document.querySelectorAll("details.menu")) {
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    menu.addEventListener("focusout", (event) => {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) {
        menu.open = false;
      }
    });
    document.addEventListener("click", (event) => {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }
});

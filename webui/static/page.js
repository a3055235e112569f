// The site's only script, kept out of the HTML so that the Content-Security-Policy
// forbids inline script.
document.addEventListener("DOMContentLoaded", () => {
  // Print buttons.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // A form that came back with errors: the keyboard lands on the first field to
  // correct (its message is tied to it by aria-describedby), else on the alert.
  const invalid = document.querySelector("main [aria-invalid='true']");
  const alert = document.querySelector("main form [role='alert'], main .error[role='alert']");
  if (invalid) {
    invalid.focus();
  } else if (alert) {
    alert.tabIndex = -1;
    alert.focus();
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

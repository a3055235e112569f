// Print buttons: kept out of the HTML so that the Content-Security-Policy forbids inline script.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});

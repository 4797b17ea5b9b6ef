// The sign-in page: its words in Indonesian or English, and why the last
// attempt failed (the server redirects here with ?error=…).

import { t, lang, setLang } from "./i18n.js";

function translate() {
  document.documentElement.lang = lang();
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  document.title = `${t("login.title")} — ${t("app.title")}`;
  for (const button of document.querySelectorAll(".lang button")) {
    button.classList.toggle("active", button.dataset.lang === lang());
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang()));
  }
  const error = new URLSearchParams(location.search).get("error");
  const box = document.getElementById("login-error");
  const known = ["invalid", "used", "unavailable"];
  box.hidden = !error;
  if (error) box.textContent = t(`login.error.${known.includes(error) ? error : "invalid"}`);
}

for (const button of document.querySelectorAll(".lang button")) {
  button.addEventListener("click", () => setLang(button.dataset.lang));
}
window.addEventListener("langchange", translate);
translate();
document.getElementById("token").focus();

import { render, type ComponentChildren } from "preact";
import { LanguageProvider } from "./i18n/language";
import "./theme.css";

/** Renders a page into `#app` with the shared language provider and stylesheet. */
export function mountPage(page: () => ComponentChildren): void {
  const root = document.getElementById("app");
  if (!root) throw new Error("The page has no #app element");
  render(<LanguageProvider>{page()}</LanguageProvider>, root);
}

import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { Icon } from "./icons";
import { languages, type MessageKey } from "./i18n/i18n";
import { useI18n } from "./i18n/language";

/** Pages of the site, in the order of the navigation. */
export type PageId = "home" | "live" | "signin" | "attest" | "review" | "lots" | "organisation";

const pages: { id: PageId; href: string; label: MessageKey }[] = [
  { id: "home", href: "", label: "nav.home" },
  { id: "live", href: "live/", label: "nav.live" },
  { id: "attest", href: "attest/", label: "nav.attest" },
  { id: "review", href: "review/", label: "nav.review" },
  { id: "lots", href: "lots/", label: "nav.lots" },
  { id: "organisation", href: "organisation/", label: "nav.organisation" },
  { id: "signin", href: "signin/", label: "nav.signin" },
];

/** The language switch: three buttons, the current one marked pressed (not by colour only). */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <div class="language-switch" role="group" aria-label={t("lang.label")}>
      <Icon name="globe" size={18} />
      {languages.map((code) => (
        <button
          type="button"
          key={code}
          lang={code}
          class="language-button"
          aria-pressed={code === language}
          title={t(`lang.${code}`)}
          onClick={() => setLanguage(code)}
        >
          {code.toUpperCase()}
          <span class="visually-hidden"> — {t(`lang.${code}`)}</span>
        </button>
      ))}
    </div>
  );
}

/**
 * The shared frame of every page: skip link, header with the brand, navigation and the language
 * switch, then the page's own content in `<main>`. Page links are relative so the site works
 * under any mount path; `root` is the prefix from this page to the site root ("../" or "./").
 */
export function Layout({
  page,
  title,
  root = "../",
  children,
}: {
  page: PageId;
  title: MessageKey;
  root?: string;
  children: ComponentChildren;
}) {
  const { t } = useI18n();
  const heading = t(title);
  useEffect(() => {
    document.title = `${heading} — ${t("app.name")}`;
  }, [heading, t]);
  return (
    <>
      <a class="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header class="site-header">
        <div class="site-header-inner">
          <a class="brand" href={root}>
            <Icon name="fountain" size={28} />
            <span class="brand-text">
              <span class="brand-name">{t("app.name")}</span>
              <span class="brand-tagline">{t("app.tagline")}</span>
            </span>
          </a>
          <nav aria-label={t("nav.label")} class="site-nav">
            {pages.map((entry) => (
              <a key={entry.id} href={root + entry.href} aria-current={entry.id === page ? "page" : undefined}>
                {t(entry.label)}
              </a>
            ))}
          </nav>
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1} class="site-main">
        <h1>{heading}</h1>
        {children}
      </main>
    </>
  );
}

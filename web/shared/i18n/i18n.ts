import fr from "./fr.json";
import nl from "./nl.json";
import en from "./en.json";

/** Languages of the federation, French first (it is the default). */
export const languages = ["fr", "nl", "en"] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = "fr";

/** Every message key; French is the reference catalogue. */
export type MessageKey = keyof typeof fr;
export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

// Typed as complete catalogues so a key missing in Dutch or English fails the type check.
const catalogues: Record<Language, Record<MessageKey, string>> = { fr, nl, en };

/** Where the chosen language is remembered on this device. */
export const languageStorageKey = "fontaine.language";

const locales: Record<Language, string> = { fr: "fr-BE", nl: "nl-BE", en: "en-GB" };

/** True when `value` names one of the supported languages. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (languages as readonly string[]).includes(value);
}

/** BCP 47 locale used for dates and numbers in `language` (Belgian French and Dutch). */
export function localeOf(language: Language): string {
  return locales[language];
}

/** The message for `key` in `language`, with `{name}` placeholders filled from `params`. */
export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const template = catalogues[language][key] ?? catalogues[defaultLanguage][key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** A `t()` bound to one language. */
export function createTranslator(language: Language): Translate {
  return (key, params) => translate(language, key, params);
}

/**
 * The language to start with: an explicit `?lang=` wins (links can carry it), then the one the
 * user chose earlier on this device, then French.
 */
export function initialLanguage(search: string, stored: string | null): Language {
  const fromUrl = new URLSearchParams(search).get("lang");
  if (isLanguage(fromUrl)) return fromUrl;
  if (isLanguage(stored)) return stored;
  return defaultLanguage;
}

/** Raw catalogues, for checks that every language carries the same keys. */
export function catalogue(language: Language): Readonly<Record<string, string>> {
  return catalogues[language];
}

/** A short human duration ("45 s", "3 min 12 s", "2 h 5 min") in the language of `t`. */
export function formatDuration(t: Translate, ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return t("duration.seconds", { n: total });
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes < 60) {
    return seconds === 0
      ? t("duration.minutes", { n: minutes })
      : t("duration.minutesSeconds", { m: minutes, s: seconds });
  }
  return t("duration.hoursMinutes", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

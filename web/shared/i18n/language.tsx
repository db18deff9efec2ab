import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";
import { createTranslator, initialLanguage, languageStorageKey, localeOf, type Language, type Translate } from "./i18n";

/** What a component needs to speak the user's language. */
export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
  /** Locale-aware clock time, e.g. 14:02:31. */
  formatTime: (ms: number) => string;
  /** Locale-aware number with a fixed number of decimals (comma in French and Dutch). */
  formatNumber: (value: number, decimals?: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

function readStoredLanguage(): string | null {
  try {
    return localStorage.getItem(languageStorageKey);
  } catch {
    // Storage can be disabled (private mode, strict settings): the page still works in French.
    return null;
  }
}

/** Provides the language, remembers the user's choice on this device and keeps `<html lang>` in step. */
export function LanguageProvider({ children }: { children: ComponentChildren }) {
  const [language, setLanguageState] = useState<Language>(() => initialLanguage(location.search, readStoredLanguage()));
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(languageStorageKey, next);
    } catch {
      // Not remembered, but switched for this visit.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<I18n>(() => {
    const locale = localeOf(language);
    const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const numbers = new Map<number, Intl.NumberFormat>();
    return {
      language,
      setLanguage,
      t: createTranslator(language),
      formatTime: (ms) => time.format(new Date(ms)),
      formatNumber: (value, decimals = 1) => {
        let format = numbers.get(decimals);
        if (!format) {
          format = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
          numbers.set(decimals, format);
        }
        return format.format(value);
      },
    };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current language and its helpers; only valid under a `LanguageProvider`. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n() used outside <LanguageProvider>");
  return value;
}

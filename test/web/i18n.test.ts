import { expect } from "chai";
import {
  catalogue,
  createTranslator,
  formatDuration,
  initialLanguage,
  isLanguage,
  languages,
  translate,
} from "../../web/shared/i18n/i18n";

describe("web i18n", () => {
  describe("message files", () => {
    it("should carry exactly the same keys in French, Dutch and English", () => {
      const reference = Object.keys(catalogue("fr")).sort();
      for (const language of languages) {
        expect(Object.keys(catalogue(language)).sort(), language).to.deep.equal(reference);
      }
    });

    it("should have no empty message and the same placeholders in every language", () => {
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      for (const key of Object.keys(catalogue("fr"))) {
        const expected = placeholders(catalogue("fr")[key]!);
        for (const language of languages) {
          const text = catalogue(language)[key]!;
          expect(text.trim(), `${language} ${key}`).to.not.equal("");
          expect(placeholders(text), `${language} ${key}`).to.deep.equal(expected);
        }
      }
    });
  });

  describe("translate", () => {
    it("should fill placeholders and leave unknown ones visible", () => {
      expect(translate("fr", "alert.since", { time: "14:02" })).to.equal("Depuis 14:02");
      expect(translate("nl", "alert.since", { time: "14:02" })).to.equal("Sinds 14:02");
      expect(translate("en", "alert.since")).to.equal("Since {time}");
    });

    it("should not read placeholders from the prototype chain", () => {
      expect(translate("en", "alert.since", {})).to.equal("Since {time}");
      expect(createTranslator("en")("live.staleSince", { duration: "toString" })).to.equal("No reading for toString");
    });
  });

  describe("initial language", () => {
    it("should default to French", () => {
      expect(initialLanguage("", null)).to.equal("fr");
      expect(initialLanguage("?lang=de", "es")).to.equal("fr");
    });

    it("should prefer the URL, then the remembered choice", () => {
      expect(initialLanguage("?lang=nl", "en")).to.equal("nl");
      expect(initialLanguage("?x=1", "en")).to.equal("en");
      expect(isLanguage("en")).to.equal(true);
      expect(isLanguage("EN")).to.equal(false);
    });
  });

  describe("durations", () => {
    it("should say seconds, minutes and hours in the user's language", () => {
      const fr = createTranslator("fr");
      expect(formatDuration(fr, 45_900)).to.equal("45 s");
      expect(formatDuration(fr, 180_000)).to.equal("3 min");
      expect(formatDuration(fr, 192_000)).to.equal("3 min 12 s");
      expect(formatDuration(createTranslator("nl"), 2 * 3_600_000 + 5 * 60_000)).to.equal("2 u 5 min");
      expect(formatDuration(fr, -5)).to.equal("0 s");
    });
  });
});

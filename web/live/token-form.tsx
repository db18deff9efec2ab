import { useState } from "preact/hooks";
import { useI18n } from "../shared/i18n/language";
import { isWellFormedToken } from "./access";

/** Asks for the organisation's access code (and an optional name for acknowledgements). */
export function TokenForm({
  initialName,
  error,
  onSubmit,
}: {
  initialName: string;
  error?: string;
  onSubmit: (token: string, name: string) => void;
}) {
  const { t } = useI18n();
  const [token, setToken] = useState("");
  const [name, setName] = useState(initialName);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const shown = problem ?? error;
  return (
    <form
      class="card token-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const trimmed = token.trim();
        if (!isWellFormedToken(trimmed)) {
          setProblem(trimmed ? t("live.connection.refused") : t("live.token.required"));
          return;
        }
        setProblem(undefined);
        onSubmit(trimmed, name);
      }}
    >
      <fieldset>
        <legend>{t("live.token.legend")}</legend>
        <label for="live-token">{t("live.token.label")}</label>
        <input
          id="live-token"
          name="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={token}
          aria-describedby={shown ? "live-token-help live-token-error" : "live-token-help"}
          aria-invalid={shown ? true : undefined}
          onInput={(event) => setToken(event.currentTarget.value)}
        />
        <p id="live-token-help" class="hint">
          {t("live.token.help")}
        </p>
        {shown ? (
          <p id="live-token-error" class="error-text" role="alert">
            {shown}
          </p>
        ) : null}
        <label for="live-name">{t("live.name.label")}</label>
        <input
          id="live-name"
          name="name"
          type="text"
          autoComplete="name"
          maxLength={64}
          value={name}
          aria-describedby="live-name-help"
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <p id="live-name-help" class="hint">
          {t("live.name.help")}
        </p>
        <button type="submit" class="button">
          {t("live.token.submit")}
        </button>
      </fieldset>
    </form>
  );
}

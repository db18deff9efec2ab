import type { StatusMessage } from "../../sdk/telemetry/protocol";
import { formatDuration } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { StatusBadge } from "../shared/status-badge";
import type { ConnectionState } from "./stream-connection";

/** The connection to the service and the service's link to the sensors, in words and icons. */
export function ConnectionBar({
  connection,
  source,
  now,
  onRetry,
}: {
  connection: ConnectionState;
  source: StatusMessage | undefined;
  now: number;
  onRetry: () => void;
}) {
  const { t, formatTime } = useI18n();
  const { phase } = connection;
  const offline =
    connection.offlineSince !== undefined
      ? t("live.connection.offlineSince", {
          time: formatTime(connection.offlineSince),
          duration: formatDuration(t, now - connection.offlineSince),
        })
      : undefined;
  let main;
  if (phase === "live") {
    main = <StatusBadge status="ok" label={t("live.connection.connected")} />;
  } else if (phase === "waiting" || (phase === "connecting" && offline)) {
    main = <StatusBadge status="offline" label={offline ?? t("status.offline")} />;
  } else {
    main = <StatusBadge status="unknown" label={t("live.connection.connecting")} />;
  }
  const sourceState = phase === "live" ? source?.state : undefined;
  // Announced to screen readers only when the phase changes, not at every tick of the clock.
  const announcement =
    phase === "live"
      ? t("live.connection.connected")
      : phase === "waiting"
        ? t("status.offline")
        : t("live.connection.connecting");
  return (
    <div class="connection-bar" data-phase={phase}>
      <p class="visually-hidden" role="status">
        {t("live.connection.label")}: {announcement}
        {sourceState ? `, ${t(`live.source.${sourceState}`)}` : ""}
      </p>
      {main}
      {phase === "waiting" && connection.retryAt !== undefined ? (
        <span class="connection-detail">
          {t("live.connection.reconnecting", { seconds: Math.max(0, Math.ceil((connection.retryAt - now) / 1000)) })}
        </span>
      ) : null}
      {phase === "waiting" ? (
        <button type="button" class="button button-secondary button-small" onClick={onRetry}>
          {t("live.connection.retryNow")}
        </button>
      ) : null}
      {sourceState ? (
        <span class="connection-detail" data-source-state={sourceState}>
          <StatusBadge
            status={sourceState === "connected" ? "ok" : sourceState === "stopped" ? "offline" : "warning"}
            label={t(`live.source.${sourceState}`)}
          />
        </span>
      ) : null}
    </div>
  );
}

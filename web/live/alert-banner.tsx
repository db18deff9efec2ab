import type { AlertMessage } from "../../sdk/telemetry/protocol";
import { Icon } from "../shared/icons";
import { useI18n } from "../shared/i18n/language";
import { StatusBadge } from "../shared/status-badge";
import type { LiveStore } from "./live-store";
import { formatReading, sensorLabel } from "./sensor-format";

/** Active alerts with an acknowledge button each; acknowledged ones stay until they clear. */
export function AlertBanner({
  store,
  online,
  onAcknowledge,
}: {
  store: LiveStore;
  online: boolean;
  onAcknowledge: (alert: AlertMessage) => void;
}) {
  const { t, formatTime, formatNumber } = useI18n();
  const alerts = store.alertList();
  return (
    <section class="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title" class={alerts.length ? "" : "visually-hidden"}>
        <Icon name="bell" /> {t("alert.region")}
      </h2>
      <div aria-live="polite">
        {alerts.length === 0 ? <p class="visually-hidden">{t("alert.none")}</p> : null}
        <ul class="alert-list">
          {alerts.map((alert) => {
            const fountain = store.fountains.get(alert.fountainId);
            const sensor = fountain?.sensors.get(alert.sensor);
            const fountainName = fountain?.view.name ?? alert.fountainId;
            const kind = t(`alert.kind.${alert.kind}`);
            const sensorName = sensor ? sensorLabel(t, sensor.view) : alert.sensor;
            const pending = store.pendingAcks.has(alert.alertId);
            const error = store.ackErrors.get(alert.alertId);
            const status = alert.state === "acknowledged" ? "acknowledged" : alert.severity;
            return (
              <li
                key={alert.alertId}
                class={`alert alert-${status}`}
                data-alert-id={alert.alertId}
                data-state={alert.state}
                data-kind={alert.kind}
                data-fountain-id={alert.fountainId}
              >
                <div class="alert-text">
                  <StatusBadge
                    status={status}
                    label={
                      alert.state === "acknowledged" ? t("status.acknowledged") : t(`alert.severity.${alert.severity}`)
                    }
                  />
                  <strong>{t("alert.title", { fountain: fountainName, sensor: sensorName, kind })}</strong>
                  <span class="alert-meta">
                    {t("alert.since", { time: formatTime(Date.parse(alert.since)) })}
                    {/* The value behind a bad-quality alert is not a valid reading: never show it as one. */}
                    {alert.value !== undefined && sensor && alert.kind !== "badQuality"
                      ? ` · ${t("alert.value", { value: formatReading(t, formatNumber, sensor.view, alert.value) })}`
                      : null}
                    {alert.state === "acknowledged" && alert.acknowledgedBy
                      ? ` · ${t("alert.acknowledgedBy", { by: alert.acknowledgedBy })}`
                      : null}
                  </span>
                  {error ? (
                    <span class="error-text" role="alert">
                      {t("alert.ackFailed", { code: error })}
                    </span>
                  ) : null}
                </div>
                {alert.state === "raised" ? (
                  <button
                    type="button"
                    class="button"
                    disabled={pending || !online}
                    aria-label={t("alert.acknowledgeLabel", { kind, fountain: fountainName })}
                    title={online ? undefined : t("alert.ackOffline")}
                    onClick={() => onAcknowledge(alert)}
                  >
                    <Icon name="acknowledged" />
                    {pending ? t("alert.acknowledgeSent") : t("alert.acknowledge")}
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

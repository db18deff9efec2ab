import { formatDuration } from "../shared/i18n/i18n";
import { Icon } from "../shared/icons";
import { useI18n } from "../shared/i18n/language";
import { StatusBadge } from "../shared/status-badge";
import { FountainChart } from "./fountain-chart";
import { staleAfterMs, type FountainState, type LiveStore, type SensorState } from "./live-store";
import { formatReading, sensorLabel } from "./sensor-format";
import { sparklinePath, sparklineWindow } from "./series";

/** Sparklines show the recent trend: the last 5 minutes, at least 1 minute wide, 2 K tall. */
const sparklineSpanMs = 5 * 60_000;

function Sparkline({ sensor, label, to }: { sensor: SensorState; label: string; to: number }) {
  const width = 120;
  const height = 32;
  const window = sparklineWindow(sensor.series, to, sparklineSpanMs, 60_000);
  const d = sparklinePath(sensor.series, { ...window, width, height: height - 2, minSpan: 2 });
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <path d={d} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />
    </svg>
  );
}

const sensorIcons = { temperature: "thermometer", flow: "flow", heaterPower: "power", motor: "motor" } as const;

function SensorReading({ sensor, serverNow }: { sensor: SensorState; serverNow: number }) {
  const { t, formatNumber } = useI18n();
  const { view, latest } = sensor;
  const label = sensorLabel(t, view);
  const quality = latest?.quality ?? "none";
  const valid = latest && latest.quality === "good" && latest.value !== null;
  return (
    <div class="reading" data-sensor={view.sensor} data-kind={view.kind} data-quality={quality}>
      <dt>
        <Icon name={sensorIcons[view.kind]} size={16} />
        {label}
      </dt>
      <dd>
        {valid ? (
          <span class={`reading-value reading-${view.kind}`}>
            {formatReading(t, formatNumber, view, latest.value as number)}
          </span>
        ) : (
          <span class="reading-value reading-missing">{t("live.noValue")}</span>
        )}
        {latest && latest.quality !== "good" ? (
          <span class={`quality quality-${latest.quality}`}>
            <Icon name={latest.quality === "bad" ? "invalid" : "unknown"} size={14} />
            {t(`live.quality.${latest.quality}`)}
          </span>
        ) : null}
        {view.sourceUnit ? <span class="hint">{t("live.sourceUnit", { unit: view.sourceUnit })}</span> : null}
        {view.kind === "temperature" ? (
          <Sparkline sensor={sensor} label={t("live.sparkline", { sensor: label })} to={serverNow} />
        ) : null}
      </dd>
    </div>
  );
}

/** One fountain: status, chocolate, current readings with sparklines, staleness and its chart. */
export function FountainTile({
  store,
  fountain,
  now,
  version,
  streamLive,
}: {
  store: LiveStore;
  fountain: FountainState;
  now: number;
  version: number;
  streamLive: boolean;
}) {
  const { t, formatTime } = useI18n();
  const serverNow = store.serverNow(now);
  const status = store.fountainStatus(fountain.view.fountainId, now, streamLive);
  const stale = fountain.lastReadingAt !== undefined && serverNow - fountain.lastReadingAt > staleAfterMs;
  const headingId = `fountain-${fountain.view.fountainId}`;
  return (
    <article
      class={`tile tile-${status}`}
      data-fountain-id={fountain.view.fountainId}
      data-status={status}
      aria-labelledby={headingId}
    >
      <header class="tile-header">
        <h3 id={headingId}>{fountain.view.name}</h3>
        <StatusBadge status={status} />
      </header>
      <p class="tile-meta">
        {t(`live.chocolate.${fountain.view.chocolate}`)}
        {fountain.lastReadingAt !== undefined ? (
          <span class={stale ? "stale" : ""} data-stale={stale ? "true" : "false"}>
            {" · "}
            {stale
              ? t("live.staleSince", { duration: formatDuration(t, serverNow - fountain.lastReadingAt) })
              : t("live.updatedAt", { time: formatTime(fountain.lastReadingAt) })}
          </span>
        ) : (
          <span> · {t("live.waiting")}</span>
        )}
      </p>
      <dl class="readings">
        {[...fountain.sensors.values()].map((sensor) => (
          <SensorReading key={sensor.view.sensor} sensor={sensor} serverNow={serverNow} />
        ))}
      </dl>
      {fountain.gaps.length > 0 ? (
        <p class="hint tile-gap">
          {(() => {
            const gap = fountain.gaps[fountain.gaps.length - 1]!;
            return t("live.gap", { from: formatTime(gap.from), to: formatTime(gap.to) });
          })()}
        </p>
      ) : null}
      <FountainChart fountain={fountain} serverNow={serverNow} version={version} />
    </article>
  );
}

import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { localeOf } from "../shared/i18n/i18n";
import { useI18n } from "../shared/i18n/language";
import { chartWindowMs, type FountainState } from "./live-store";
import { alignSeries, seriesSummary } from "./series";
import { sensorLabel } from "./sensor-format";

// Distinct hues AND dash patterns: the legend names each line, colour is not the only cue.
const lineStyles: { stroke: string; dash?: number[] }[] = [
  { stroke: "#7a3a10" },
  { stroke: "#1a56db", dash: [8, 4] },
  { stroke: "#1e6b3a", dash: [2, 3] },
  { stroke: "#6b21a8", dash: [10, 3, 2, 3] },
];

/**
 * Temperatures of one fountain over the last 15 minutes. Holes (gaps, Bad or Uncertain readings)
 * are left empty: uPlot draws nothing across a `null`.
 */
export function FountainChart({
  fountain,
  serverNow,
  version,
}: {
  fountain: FountainState;
  serverNow: number;
  version: number;
}) {
  const { t, language, formatNumber } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Charts are drawn only once scrolled into view: a federation-wide view can list hundreds.
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const element = figure.current;
    if (!element || typeof IntersectionObserver === "undefined") {
      setVisible(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => setVisible(entries.some((entry) => entry.isIntersecting)), {
      rootMargin: "200px",
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const windowEnd = useRef(serverNow);
  windowEnd.current = serverNow;

  const sensors = [...fountain.sensors.values()].filter((sensor) => sensor.view.kind === "temperature");
  const sensorKey = sensors.map((sensor) => `${sensor.view.sensor}:${sensor.view.unit}`).join(",");
  const unit = sensors[0]?.view.unit ?? "";

  // (Re)create the plot when the sensors or the language change, or when it comes into view.
  useEffect(() => {
    const element = container.current;
    if (!element || !visible) return;
    const locale = localeOf(language);
    const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
    const clockSeconds = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const options: uPlot.Options = {
      width: Math.max(280, element.clientWidth),
      height: 200,
      ms: 1e-3,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => [(windowEnd.current - chartWindowMs) / 1000, windowEnd.current / 1000] },
      },
      axes: [
        { values: (_u: uPlot, splits: number[]) => splits.map((s) => clock.format(new Date(s * 1000))) },
        { label: unit, size: 50, values: (_u: uPlot, splits: number[]) => splits.map((v) => formatNumber(v, 0)) },
      ],
      series: [
        {
          label: t("live.chart.time"),
          value: (_u: uPlot, seconds: number | null) =>
            seconds === null ? "—" : clockSeconds.format(new Date(seconds * 1000)),
        },
        ...sensors.map((sensor, index) => ({
          label: sensorLabel(t, sensor.view),
          spanGaps: false,
          width: 2,
          points: { show: false },
          value: (_u: uPlot, value: number | null) => (value === null ? "—" : `${formatNumber(value, 1)}\u00a0${unit}`),
          ...lineStyles[index % lineStyles.length],
        })),
      ],
    };
    const created = new uPlot(
      options,
      alignSeries(sensors.map((sensor) => sensor.series)) as uPlot.AlignedData,
      element,
    );
    plot.current = created;
    const observer = new ResizeObserver(() => {
      created.setSize({ width: Math.max(280, element.clientWidth), height: 200 });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
    // Sensors are identified by sensorKey; the series themselves are pushed by the effect below.
  }, [sensorKey, language, visible]);

  useEffect(() => {
    plot.current?.setData(alignSeries(sensors.map((sensor) => sensor.series)) as uPlot.AlignedData);
  });

  let valid = 0;
  let holes = 0;
  let firstPoint = Number.POSITIVE_INFINITY;
  for (const sensor of sensors) {
    const summary = seriesSummary(sensor.series);
    valid += summary.valid;
    holes += summary.holes;
    if (sensor.series[0]) firstPoint = Math.min(firstPoint, sensor.series[0].t);
  }
  return (
    <figure
      ref={figure}
      class="chart"
      data-valid-points={valid}
      data-holes={holes}
      data-first-point={Number.isFinite(firstPoint) ? firstPoint : undefined}
      data-version={version}
      aria-labelledby={`chart-${fountain.view.fountainId}`}
    >
      <figcaption id={`chart-${fountain.view.fountainId}`}>
        {t("live.chart.title")}
        <span class="visually-hidden"> — {t("live.chart.summary", { valid, gaps: holes })}</span>
      </figcaption>
      <div ref={container} class="chart-canvas" aria-hidden="true" data-drawn={visible ? "true" : "false"} />
    </figure>
  );
}

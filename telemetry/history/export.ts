import type { FountainDescription } from "../model";
import type { HistoryStore } from "./store";

/** Columns of the HACCP-style log, in order. */
export const CSV_COLUMNS = [
  "time_utc",
  "fountain_id",
  "fountain_name",
  "chocolate",
  "record",
  "sensor",
  "position",
  "unit",
  "min",
  "avg",
  "max",
  "samples",
  "good_samples",
  "alert_id",
  "alert_kind",
  "severity",
  "state",
  "value",
  "acknowledged_by",
  "note",
] as const;

type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null | undefined>>;

/** Quotes a cell and neutralises spreadsheet formulas (a cell starting with = + - @ is prefixed with '). */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(Math.round(value * 1000) / 1000) : "";
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function line(row: CsvRow): string {
  return CSV_COLUMNS.map((column) => csvCell(row[column])).join(",") + "\r\n";
}

/**
 * HACCP-style log of one fountain over [from, to): one row per temperature sensor and minute
 * (min/avg/max of good-quality readings and sample counts), every alert transition and every data
 * gap, in time order. RFC 4180 CSV with CRLF line ends.
 */
export async function exportFountainCsv(
  history: HistoryStore,
  fountain: FountainDescription,
  from: number,
  to: number,
): Promise<string> {
  const temperatureSensors = new Map(
    fountain.sensors.filter((s) => s.kind === "temperature").map((s) => [s.sensor, s] as const),
  );
  const [minutes, detail] = await Promise.all([
    history.minuteSummaries(fountain.fountainId, from, to),
    history.fountainHistory(fountain.fountainId, from, to, 0),
  ]);
  const common = { fountain_id: fountain.fountainId, fountain_name: fountain.name, chocolate: fountain.chocolate };
  const rows: { time: number; order: number; row: CsvRow }[] = [];
  for (const minute of minutes) {
    const sensor = temperatureSensors.get(minute.sensor);
    if (!sensor) continue;
    rows.push({
      time: minute.minute,
      order: 0,
      row: {
        ...common,
        record: "temperature",
        sensor: minute.sensor,
        position: sensor.position,
        unit: minute.unit,
        min: minute.min,
        avg: minute.avg,
        max: minute.max,
        samples: minute.samples,
        good_samples: minute.goodSamples,
        note: minute.goodSamples < minute.samples ? "some readings of bad or uncertain quality" : undefined,
      },
    });
  }
  for (const alert of detail.alerts) {
    rows.push({
      time: alert.at,
      order: 1,
      row: {
        ...common,
        record: "alert",
        sensor: alert.sensor,
        position: fountain.sensors.find((s) => s.sensor === alert.sensor)?.position,
        unit: alert.unit,
        alert_id: alert.alertId,
        alert_kind: alert.kind,
        severity: alert.severity,
        state: alert.state,
        value: alert.value,
        acknowledged_by: alert.acknowledgedBy,
        note: `since ${new Date(alert.since).toISOString()}`,
      },
    });
  }
  for (const gap of detail.gaps) {
    rows.push({
      time: gap.from,
      order: 2,
      row: {
        ...common,
        record: "gap",
        note: `no data until ${new Date(gap.to).toISOString()} (${gap.reason}, source ${gap.source})`,
      },
    });
  }
  rows.sort((a, b) => a.time - b.time || a.order - b.order);
  let csv = CSV_COLUMNS.join(",") + "\r\n";
  for (const { time, row } of rows) csv += line({ ...row, time_utc: new Date(time).toISOString() });
  return csv;
}

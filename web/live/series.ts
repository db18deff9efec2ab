/** One point of a sensor's chart: `value` null marks a hole (gap, Bad or Uncertain reading). */
export interface SeriesPoint {
  t: number;
  value: number | null;
}

/**
 * Inserts a point keeping the series sorted by time. A point at a time already present replaces
 * the old one only when it brings a hole (a reading turned invalid must not stay drawn);
 * otherwise it is a duplicate (replay after a snapshot) and is ignored. Returns true if changed.
 */
export function insertPoint(series: SeriesPoint[], point: SeriesPoint): boolean {
  let index = series.length;
  while (index > 0 && series[index - 1]!.t > point.t) index--;
  const previous = series[index - 1];
  if (previous && previous.t === point.t) {
    if (point.value === null && previous.value !== null) {
      previous.value = null;
      return true;
    }
    return false;
  }
  series.splice(index, 0, point);
  return true;
}

/** Drops points older than `from`, keeping the series bounded to the chart window. */
export function trimSeries(series: SeriesPoint[], from: number): void {
  let drop = 0;
  while (drop < series.length && series[drop]!.t < from) drop++;
  if (drop > 0) series.splice(0, drop);
}

/** Counts drawable points and holes (runs of nulls) in a series. */
export function seriesSummary(series: readonly SeriesPoint[]): { valid: number; holes: number } {
  let valid = 0;
  let holes = 0;
  let inHole = false;
  for (const point of series) {
    if (point.value === null) {
      if (!inHole) holes++;
      inHole = true;
    } else {
      valid++;
      inHole = false;
    }
  }
  return { valid, holes };
}

/**
 * SVG path for a sparkline over [from, to] in a width×height box: one `M…L…` run per stretch of
 * valid values, so holes stay visibly empty instead of being bridged by a straight line.
 */
export function sparklinePath(
  series: readonly SeriesPoint[],
  box: { from: number; to: number; width: number; height: number; low?: number; high?: number; minSpan?: number },
): string {
  const values = series
    .filter((point) => point.value !== null && point.t >= box.from && point.t <= box.to)
    .map((point) => point.value as number);
  if (values.length === 0 || box.to <= box.from) return "";
  let low = box.low ?? Math.min(...values);
  let high = box.high ?? Math.max(...values);
  // A minimum vertical span keeps sensor noise from looking like big swings.
  const minSpan = Math.max(box.minSpan ?? 0, 1e-9);
  if (high - low < minSpan) {
    const middle = (high + low) / 2;
    low = middle - minSpan / 2;
    high = middle + minSpan / 2;
  }
  const x = (t: number) => ((t - box.from) / (box.to - box.from)) * box.width;
  const y = (v: number) => box.height - ((v - low) / (high - low)) * box.height;
  const parts: string[] = [];
  let open = false;
  for (const point of series) {
    if (point.t < box.from || point.t > box.to) continue;
    if (point.value === null) {
      open = false;
      continue;
    }
    const command = open ? "L" : "M";
    parts.push(`${command}${x(point.t).toFixed(1)} ${y(point.value).toFixed(1)}`);
    open = true;
  }
  return parts.join("");
}

/**
 * Time span of a sparkline ending at `to`: the last `spanMs`, narrowed to the data available
 * (but never under `minimumMs`) so a fresh page shows a readable line, not a dot at the edge.
 */
export function sparklineWindow(
  series: readonly SeriesPoint[],
  to: number,
  spanMs: number,
  minimumMs: number,
): { from: number; to: number } {
  const first = series.find((point) => point.t >= to - spanMs)?.t ?? to - spanMs;
  return { from: Math.min(Math.max(first, to - spanMs), to - minimumMs), to };
}

/**
 * Aligns several series on one time axis for the chart: `null` keeps a real hole (gap, invalid
 * reading), `undefined` only means "this sensor has no point at that instant" and is bridged.
 * Times are returned in seconds, the chart's unit.
 */
export function alignSeries(list: readonly (readonly SeriesPoint[])[]): [number[], ...(number | null | undefined)[][]] {
  const times = [...new Set(list.flatMap((series) => series.map((point) => point.t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = list.map((series) => {
    const column: (number | null | undefined)[] = new Array(times.length).fill(undefined);
    for (const point of series) column[index.get(point.t)!] = point.value;
    return column;
  });
  return [times.map((t) => t / 1000), ...columns];
}

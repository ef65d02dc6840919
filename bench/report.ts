/** "/s" and "MB/s" are rates: their goals are floors, where every other unit's goal is a ceiling. */
export type Unit = "ms" | "MB" | "%" | "/s" | "MB/s";

const isRate = (unit: Unit) => unit === "/s" || unit === "MB/s";

export interface Row {
  name: string;
  /** null when the figure could not be measured on this platform. */
  value: number | null;
  unit: Unit;
  /** The figure must stay below this (reach at least this, for a rate); null for information only. */
  goal: number | null;
  note: string;
}

export type Status = "ok" | "MISS" | "info" | "n/a";

export function status(row: Row): Status {
  if (row.value === null || Number.isNaN(row.value)) return "n/a";
  if (row.goal === null) return "info";
  const met = isRate(row.unit) ? row.value >= row.goal : row.value < row.goal;
  return met ? "ok" : "MISS";
}

/** A figure with a sensible number of digits for its size. */
export function format(value: number, unit: Unit): string {
  if (unit === "%") return `${value.toFixed(0)} %`;
  if (unit === "MB") return `${value.toFixed(1)} MB`;
  if (unit === "/s") return `${value.toFixed(0)} /s`;
  if (unit === "MB/s") return `${value.toFixed(0)} MB/s`;
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ms`;
}

/** The rows as an aligned plain-text table: metric, figure, goal, status, notes. */
export function table(rows: readonly Row[]): string {
  const cells = rows.map((row) => [
    row.name,
    row.value === null ? "-" : format(row.value, row.unit),
    row.goal === null ? "-" : `goal ${isRate(row.unit) ? ">=" : "<"} ${row.goal} ${row.unit}`,
    status(row),
    row.note,
  ]);
  const header = ["metric", "figure", "goal", "status", "notes"];
  const all = [header, ...cells];
  const width = (col: number) => Math.max(...all.map((cells) => (cells[col] ?? "").length));
  const widths = header.map((_, col) => width(col));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, col) => {
        const w = widths[col] ?? 0;
        return col === 1 ? cell.padStart(w) : col === cells.length - 1 ? cell : cell.padEnd(w);
      })
      .join("   ")
      .trimEnd();
  const rule = widths.map((w, col) =>
    col === widths.length - 1 ? "-".repeat(Math.max(w, 5)) : "-".repeat(w),
  );
  return [line(header), line(rule), ...cells.map(line)].join("\n");
}

export function summary(rows: readonly Row[]): string {
  const goals = rows.filter((row) => row.goal !== null);
  const met = goals.filter((row) => status(row) === "ok").length;
  const missed = goals.filter((row) => status(row) === "MISS").map((row) => row.name);
  return missed.length === 0
    ? `${met} of ${goals.length} goals met.`
    : `${met} of ${goals.length} goals met; missed: ${missed.join(", ")}.`;
}

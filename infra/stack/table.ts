/** Plain-text tables: `stack status` and the supervisor's service table. */
import type { ComponentStatus } from "./component.ts";

/** Aligns `rows` under `header`, two spaces between columns, the last column left ragged. */
export function alignColumns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]?.length ?? 0)));
  const line = (cols: string[]) =>
    cols.map((col, i) => i === cols.length - 1 ? col : col.padEnd(widths[i] ?? 0)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** Formats statuses as an aligned table: component, state, owner, pid, url, log. */
export function formatStatusTable(rows: ComponentStatus[]): string {
  return alignColumns(
    ["COMPONENT", "STATE", "OWNER", "PID", "URL", "LOG"],
    rows.map((r) => [r.name, r.state, r.owner, r.pid?.toString() ?? "-", r.url, r.log]),
  );
}

/** Plain-text rendering of `stack status`. */
import type { ComponentStatus } from "./component.ts";

/** Formats statuses as an aligned table: component, state, owner, pid, url, log. */
export function formatStatusTable(rows: ComponentStatus[]): string {
  const header = ["COMPONENT", "STATE", "OWNER", "PID", "URL", "LOG"];
  const cells = rows.map((r) => [r.name, r.state, r.owner, r.pid?.toString() ?? "-", r.url, r.log]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (cols: string[]) =>
    cols.map((col, i) => i === cols.length - 1 ? col : col.padEnd(widths[i] ?? 0)).join("  ");
  return [line(header), ...cells.map(line)].join("\n");
}

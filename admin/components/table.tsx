/** The list table every admin page uses: header from a column list, an empty-state row, the rows. */
import type { Child } from "hono/jsx";
import { EmptyRow } from "./widgets.tsx";

/** A header cell: its label, right-aligned when it holds numbers. */
export interface Column {
  label: Child;
  /** Right-aligned numeric column (default false). */
  num?: boolean;
}

/** Props of {@link DataTable}. */
export interface DataTableProps {
  id: string;
  /** Header cells; `false` leaves a conditional column out. */
  columns: ReadonlyArray<Column | false>;
  /** What the one full-width row says when `rows` is empty. */
  empty: Child;
  /** The body rows, one `<tr>` each. */
  rows: Child[];
}

/** A table whose empty-state row always spans exactly its header's columns. */
export function DataTable(props: DataTableProps) {
  const columns = props.columns.filter((c): c is Column => c !== false);
  return (
    <table id={props.id}>
      <thead>
        <tr>
          {columns.map((c) => (c.num ? <th class="num">{c.label}</th> : <th>{c.label}</th>))}
        </tr>
      </thead>
      <tbody>
        {props.rows.length === 0 && <EmptyRow columns={columns.length}>{props.empty}</EmptyRow>}
        {props.rows}
      </tbody>
    </table>
  );
}

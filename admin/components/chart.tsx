/** An inline SVG bar chart: no script, scales to its panel, every bar titled with its value. */

/** Props of {@link BarChart}. */
export interface BarChartProps {
  points: ReadonlyArray<{ label: string; value: number; title: string }>;
  /** Text under the chart's left and right ends. */
  height?: number;
  ariaLabel: string;
}

const WIDTH = 600;

/** Vertical bars, one per point, with the maximum marked on the axis. */
export function BarChart(props: BarChartProps) {
  const height = props.height ?? 160;
  const plot = height - 20;
  const max = Math.max(0, ...props.points.map((p) => p.value));
  const slot = props.points.length === 0 ? WIDTH : WIDTH / props.points.length;
  const barWidth = Math.max(1, slot * 0.7);
  const first = props.points[0];
  const last = props.points[props.points.length - 1];
  return (
    <div class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.ariaLabel}>
        <line x1="0" y1={plot} x2={WIDTH} y2={plot} stroke="#e4e7ec" />
        {props.points.map((point, index) => {
          const h = max === 0
            ? 0
            : Math.max(point.value > 0 ? 2 : 0, (point.value / max) * (plot - 14));
          return (
            <rect
              class="bar"
              x={(index * slot + (slot - barWidth) / 2).toFixed(1)}
              y={(plot - h).toFixed(1)}
              width={barWidth.toFixed(1)}
              height={h.toFixed(1)}
              rx="2"
            >
              <title>{point.title}</title>
            </rect>
          );
        })}
        {first !== undefined && <text x="0" y={height - 4}>{first.label}</text>}
        {last !== undefined && props.points.length > 1 && (
          <text x={WIDTH} y={height - 4} text-anchor="end">{last.label}</text>
        )}
        <text x="0" y="10">
          {`max ${max.toLocaleString("en-US", { maximumFractionDigits: 2 })}`}
        </text>
      </svg>
    </div>
  );
}

/** Props of {@link HBarChart}. */
export interface HBarChartProps {
  rows: ReadonlyArray<{ label: string; value: number; text: string }>;
  ariaLabel: string;
  /** The chart's id, for tests and links (optional). */
  id?: string;
}

/** Horizontal bars with their label and value printed: funnels and top lists. */
export function HBarChart(props: HBarChartProps) {
  const rowHeight = 28;
  const height = Math.max(rowHeight, props.rows.length * rowHeight);
  const labelWidth = 190;
  const textWidth = 150;
  const plot = WIDTH - labelWidth - textWidth;
  const max = Math.max(0, ...props.rows.map((r) => r.value));
  return (
    <div class="chart" id={props.id}>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.ariaLabel}>
        {props.rows.map((row, index) => {
          const y = index * rowHeight;
          const w = max === 0 ? 0 : Math.max(row.value > 0 ? 2 : 0, (row.value / max) * plot);
          return (
            <g>
              <text x="0" y={y + 18}>{row.label.slice(0, 28)}</text>
              <rect
                class="bar"
                x={labelWidth}
                y={y + 5}
                width={w.toFixed(1)}
                height={rowHeight - 10}
                rx="2"
              >
                <title>{`${row.label}: ${row.text}`}</title>
              </rect>
              <text x={(labelWidth + w + 6).toFixed(1)} y={y + 18}>{row.text}</text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

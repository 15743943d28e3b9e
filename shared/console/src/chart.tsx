// A chart and its figures: one description (ChartSpec: the categories along the axis, the series of
// figures) drawn by ECharts on a canvas and written out as a table beside it, so what a screen reader
// reads (and what a test checks) is the very data the chart shows. ECharts is loaded on the first
// chart drawn (a chunk of its own, charts.ts), never by the screens that have none.
import { useEffect, useRef, useState } from 'react';
import { useT } from './i18n.tsx';
import { percent } from './oversight-words.ts';
import { ErrorNote } from './ui.tsx';
import { TableScroll } from './table-scroll.tsx';

/** How a series' figures read: counts, shares (0-1, shown as %), working days. */
export type FigureFormat = 'count' | 'share' | 'days';

export interface ChartSeries {
  name: string;
  values: (number | null)[];
  format: FigureFormat;
  /** A bar, a line, or a column of the table alone. */
  kind: 'bar' | 'line' | 'table';
  /** Bars of the same stack are piled up. */
  stack?: string;
}

export interface ChartSpec {
  /** What the categories are (the table's first column): 部门, 月份. */
  categoryLabel: string;
  categories: string[];
  series: ChartSeries[];
  /** Categories down the side (long names: departments), else along the bottom (months). */
  horizontal?: boolean;
}

export function formatFigure(value: number | null | undefined, format: FigureFormat): string {
  if (value === null || value === undefined) return '—';
  if (format === 'share') return percent(value);
  return format === 'days' ? value.toFixed(value % 1 === 0 ? 0 : 2) : String(value);
}

/** The chart's height: a row per category down the side, a fixed height along the bottom. */
function heightOf(spec: ChartSpec): number {
  return spec.horizontal ? Math.max(220, spec.categories.length * 34 + 110) : 320;
}

function Chart({ spec, label }: { spec: ChartSpec; label: string }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(undefined);
  const key = JSON.stringify(spec);
  useEffect(() => {
    let live = true;
    let drawn: { dispose(): void } | undefined;
    import('./charts.ts').then(
      (charts) => {
        if (live && ref.current) drawn = charts.drawChart(ref.current, spec);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
      drawn?.dispose();
    };
  }, [key]);
  if (error) return <ErrorNote error={new Error(t('图表组件无法加载，数字见下方数据表。', 'The charts could not be loaded; the figures are in the table below.'))} />;
  return <div ref={ref} className="chart-canvas" role="img" aria-label={label} style={{ height: heightOf(spec) }} />;
}

/** The figures of a chart as a table: a row per category, a column per series. */
export function SpecTable({ spec, caption }: { spec: ChartSpec; caption: string }) {
  return (
    <TableScroll label={caption}>
      <table className="figures">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{spec.categoryLabel}</th>
            {spec.series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {spec.categories.map((c, i) => (
            <tr key={c}>
              <th scope="row">{c}</th>
              {spec.series.map((s) => (
                <td key={s.name} className="number">
                  {formatFigure(s.values[i], s.format)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** A titled chart with its data table (in a disclosure, open on request) under it. */
export function ChartFigure({ id, title, spec, note }: { id: string; title: string; spec: ChartSpec; note?: string }) {
  const t = useT();
  return (
    <section className="chart" aria-labelledby={id} data-chart={id}>
      <h3 id={id}>{title}</h3>
      {note ? <p className="muted small">{note}</p> : null}
      {spec.categories.length === 0 ? (
        <p className="muted">{t('没有数据。', 'No figures.')}</p>
      ) : (
        <>
          {spec.series.some((s) => s.kind !== 'table' && s.values.some((v) => v !== null && v !== 0)) ? (
            <Chart spec={spec} label={t(`${title}（图表，数字见下方数据表）`, `${title} (chart; the figures are in the data table below)`)} />
          ) : (
            <p className="muted">{t('本期没有可绘制的数字。', 'Nothing to draw in this period.')}</p>
          )}
          <details>
            <summary>{t(`数据表：${title}`, `Data table: ${title}`)}</summary>
            <SpecTable spec={spec} caption={title} />
          </details>
        </>
      )}
    </section>
  );
}

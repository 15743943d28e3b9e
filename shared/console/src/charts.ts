// ECharts, as much of it as the console draws (bars, lines, their grid, tooltip and legend, on a
// canvas): loaded lazily by chart.tsx, so it is a chunk of its own that only the screens with charts
// fetch. A ChartSpec becomes an option here: counts on one value axis, shares (in %) on a second.
import type { ComposeOption } from 'echarts/core';
import { init, use } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { BarChart, LineChart } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { GridSimpleComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartSpec } from './chart.tsx';
import { formatFigure } from './chart.tsx';

use([BarChart, LineChart, GridSimpleComponent, LegendPlainComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** Colours distinct from each other and dark enough on white (≥ 3:1 for graphics). */
const PALETTE = ['#0b5cad', '#b3261e', '#1a7f37', '#8250df', '#9a6700', '#bf3989', '#0a7d8c', '#57606a', '#6e40c9', '#cf222e', '#116329', '#953800'];

function optionOf(spec: ChartSpec): Option {
  const drawn = spec.series.filter((s) => s.kind !== 'table');
  const hasShare = drawn.some((s) => s.format === 'share');
  const hasCount = drawn.some((s) => s.format !== 'share');
  const category = { type: 'category' as const, data: spec.categories, axisLabel: { color: '#1b1f24', ...(spec.horizontal ? { width: 170, overflow: 'truncate' as const } : {}) } };
  const values = [
    ...(hasCount ? [{ type: 'value' as const, minInterval: 1, axisLabel: { color: '#1b1f24' } }] : []),
    ...(hasShare ? [{ type: 'value' as const, min: 0, max: 100, axisLabel: { color: '#1b1f24', formatter: '{value}%' }, splitLine: { show: !hasCount } }] : []),
  ];
  const shareAxis = hasCount && hasShare ? 1 : 0;
  const series = drawn.map((s): BarSeriesOption | LineSeriesOption => {
    const data = s.values.map((v) => (v === null ? null : s.format === 'share' ? Math.round(v * 1000) / 10 : v));
    const axis = s.format === 'share' ? shareAxis : 0;
    const tooltip = { valueFormatter: (v: unknown) => (s.format === 'share' ? `${String(v)}%` : formatFigure(typeof v === 'number' ? v : null, s.format)) };
    const placed = spec.horizontal ? { xAxisIndex: axis } : { yAxisIndex: axis };
    return s.kind === 'line'
      ? // Across departments a line would join what is not a series: the points alone.
        {
          type: 'line',
          name: s.name,
          data,
          connectNulls: false,
          symbolSize: spec.horizontal ? 11 : 7,
          ...(spec.horizontal ? { symbol: 'diamond', lineStyle: { opacity: 0 } } : {}),
          tooltip,
          ...placed,
        }
      : { type: 'bar', name: s.name, data, ...(s.stack ? { stack: s.stack } : {}), barMaxWidth: 28, tooltip, ...placed };
  });
  return {
    color: PALETTE,
    animation: false,
    textStyle: { fontFamily: "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" },
    legend: { top: 0, textStyle: { color: '#1b1f24' } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { top: 48, left: 12, right: 24, bottom: 12, containLabel: true },
    ...(spec.horizontal
      ? { yAxis: { ...category, inverse: true }, xAxis: values.map((v, i) => ({ ...v, position: i === 0 ? ('bottom' as const) : ('top' as const) })) }
      : { xAxis: category, yAxis: values }),
    series,
  };
}

/** Draws `spec` into `el` and follows its size; `dispose` frees it. */
export function drawChart(el: HTMLElement, spec: ChartSpec): { dispose(): void } {
  const chart = init(el, undefined, { renderer: 'canvas' });
  chart.setOption(optionOf(spec));
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  return {
    dispose: () => {
      observer.disconnect();
      chart.dispose();
    },
  };
}

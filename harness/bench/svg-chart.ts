/** One line of a chart: points in data units, drawn in order. */
export interface ChartSeries {
  name: string;
  points: ReadonlyArray<readonly [x: number, y: number]>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
}

const width = 640;
const height = 360;
const margin = { left: 70, right: 170, top: 40, bottom: 50 };
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** A self-contained SVG line chart (axes from 0, five ticks each, a legend on the right); no browser needed. */
export function lineChartSvg(chart: LineChart): string {
  const all = chart.series.flatMap((s) => s.points);
  const xMax = niceCeiling(Math.max(1e-9, ...all.map(([x]) => x)));
  const yMax = niceCeiling(Math.max(1e-9, ...all.map(([, y]) => y)));
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + (x / xMax) * plotW;
  const py = (y: number) => margin.top + plotH - (y / yMax) * plotH;
  const ticks = [0, 1, 2, 3, 4, 5].map((i) => i / 5);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ' font-family="sans-serif" font-size="12">',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(chart.title)}</text>`,
    ...ticks.flatMap((t) => [
      `<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(t * yMax)}" y2="${py(t * yMax)}" stroke="#ddd"/>`,
      `<text x="${px(0) - 6}" y="${py(t * yMax) + 4}" text-anchor="end">${format(t * yMax)}</text>`,
      `<text x="${px(t * xMax)}" y="${py(0) + 18}" text-anchor="middle">${format(t * xMax)}</text>`,
    ]),
    `<line x1="${px(0)}" x2="${px(0)}" y1="${py(0)}" y2="${py(yMax)}" stroke="black"/>`,
    `<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(0)}" y2="${py(0)}" stroke="black"/>`,
    `<text x="${px(xMax / 2)}" y="${height - 10}" text-anchor="middle">${escape(chart.xLabel)}</text>`,
    `<text transform="translate(16 ${py(yMax / 2)}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`,
    ...chart.series.flatMap((s, i) => {
      const color = colors[i % colors.length]!;
      const points = s.points.map(([x, y]) => `${round(px(x))},${round(py(y))}`);
      const legendY = margin.top + 10 + i * 20;
      return [
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`,
        ...points.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${color}"/>`),
        `<line x1="${width - margin.right + 15}" x2="${width - margin.right + 35}" y1="${legendY}" y2="${legendY}"` +
          ` stroke="${color}" stroke-width="2"/>`,
        `<text x="${width - margin.right + 40}" y="${legendY + 4}">${escape(s.name)}</text>`,
      ];
    }),
    '</svg>',
    '',
  ];
  return parts.join('\n');
}

/** The smallest 1, 2, 2.5 or 5 × 10^n at or above `value`, so ticks fall on round numbers. */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= value * (1 - 1e-12))!;
}

function format(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(Math.round(value * 100) / 100);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

import { describe, expect, it } from 'vitest';
import { lineChartSvg, niceCeiling } from '../bench/svg-chart.ts';

describe('the bench report charts', () => {
  it('round the axes up to 1, 2, 2.5 or 5 × 10^n', () => {
    expect([0.7, 1, 1.3, 2.2, 3, 7, 49, 50, 51, 1234].map(niceCeiling)).toEqual([
      1, 1, 2, 2.5, 5, 10, 50, 50, 100, 2000,
    ]);
  });

  it('place each point inside the plot, the largest on the axis maximum, and escape the text', () => {
    const svg = lineChartSvg({
      title: 'p99 <ack> & delivery',
      xLabel: 'offered msg/s',
      yLabel: 'ms',
      series: [
        {
          name: 'p50',
          points: [
            [0, 0],
            [500, 10],
            [1000, 25],
          ],
        },
        {
          name: 'p99',
          points: [
            [0, 0],
            [500, 20],
            [1000, 50],
          ],
        },
      ],
    });
    expect(svg).toContain('p99 &lt;ack&gt; &amp; delivery');
    // Plot area: x 70..470, y 40..310; axes go to 1,000 and 50.
    expect(svg).toContain('points="70,310 270,256 470,175"');
    expect(svg).toContain('points="70,310 270,202 470,40"');
    expect(svg.match(/<circle /g)).toHaveLength(6);
  });
});

// A lead's score history (GET /api/v1/leads/{id}/scores): the probability of
// converting over time as a line, with a one-line summary for screen
// readers; an honest empty state when the lead was never scored.
import { useMemo } from 'react';
import { Chart, type ChartOption } from './Chart';
import { Empty } from './States';
import { scoreSeries } from '../decision';
import { formatDateTime } from '../format';
import type { ScorePoint } from '../types';

export function ScoreHistoryChart({ points, more }: { points: ScorePoint[]; more: boolean }) {
  const series = useMemo(() => scoreSeries(points), [points]);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v} %` },
      grid: { left: 48, right: 24, top: 24, bottom: 40 },
      xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', name: '%', min: 0, max: 100 },
      series: [
        {
          name: 'Probability of converting',
          type: 'line',
          step: 'end',
          showSymbol: true,
          symbolSize: 6,
          data: series,
        },
      ],
    }),
    [series],
  );
  if (series.length === 0) {
    return (
      <Empty title="No score history">
        This lead has not been scored yet: open leads are scored once a lead model is trained, and
        again as their events arrive.
      </Empty>
    );
  }
  const first = series[0];
  const last = series[series.length - 1];
  return (
    <div data-testid="score-history">
      <Chart
        option={option}
        label={`Probability of converting over time: ${series.length} scores`}
        height={220}
      />
      <p className="muted small" data-testid="score-history-summary">
        {series.length === 1
          ? `One score, ${last[1]} % on ${formatDateTime(last[0])}.`
          : `${series.length}${more ? '+' : ''} scores from ${formatDateTime(first[0])} (${first[1]} %) to ${formatDateTime(last[0])} (${last[1]} %).`}
      </p>
    </div>
  );
}

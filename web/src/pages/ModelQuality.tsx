// The active lead model's held-out quality next to the rule baseline, from
// the training report the server stored with the model.
import { Empty } from '../components/States';
import { formatDateTime } from '../format';
import type { ModelSummary, ModelVersion } from '../types';

function fmt(x: number | undefined): string {
  return x === undefined || x === null || !Number.isFinite(x) ? '—' : x.toFixed(3);
}

export function qualityRows(model: ModelVersion): { name: string; m: ModelSummary | undefined }[] {
  const all = model.metrics.models ?? [];
  const primary = all.find((x) => x.model === (model.metrics.primary ?? model.kind));
  const rule = all.find((x) => x.model === 'rule');
  return [
    { name: `${model.kind} (active, v${model.version})`, m: primary },
    { name: 'rule baseline', m: rule },
  ];
}

export function ModelQuality({ models }: { models: ModelVersion[] }) {
  const active = models.find((m) => m.active && m.target === 'converted');
  if (!active)
    return (
      <Empty title="No lead model yet">An admin or manager trains one under Admin → Models.</Empty>
    );
  return (
    <div className="table-wrap">
      <p className="muted">
        Trained {formatDateTime(active.created_at)} · tested on {active.metrics.rows?.test ?? '—'}{' '}
        held-out leads
      </p>
      <table data-testid="model-quality">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">ROC-AUC</th>
            <th scope="col">PR-AUC</th>
            <th scope="col">F1</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
          </tr>
        </thead>
        <tbody>
          {qualityRows(active).map(({ name, m }) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{fmt(m?.test.roc_auc)}</td>
              <td>{fmt(m?.test.pr_auc)}</td>
              <td>{fmt(m?.test.at_threshold.f1)}</td>
              <td>{fmt(m?.test.at_threshold.precision)}</td>
              <td>{fmt(m?.test.at_threshold.recall)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

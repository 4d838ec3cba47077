import type { ReactNode } from 'react';

// One headline figure with its label and an optional line under it.
export function KpiCard({
  id,
  label,
  value,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  hint?: ReactNode;
}) {
  return (
    <section className="kpi" aria-labelledby={`kpi-${id}-label`} data-testid={`kpi-${id}`}>
      <h3 id={`kpi-${id}-label`}>{label}</h3>
      <div className="kpi-value" data-testid={`kpi-${id}-value`}>
        {value}
      </div>
      {hint && <div className="kpi-hint">{hint}</div>}
    </section>
  );
}

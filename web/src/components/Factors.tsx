import type { Factor } from '../types';

// A score's top factors in words, strongest first.
export function FactorList({ factors }: { factors: Factor[] }) {
  if (factors.length === 0) return <span className="muted">no factors recorded</span>;
  return (
    <ul className="factors" data-testid="factors">
      {factors.map((f, i) => (
        <li key={i} className={f.contribution >= 0 ? 'up' : 'down'}>
          <span aria-hidden="true">{f.contribution >= 0 ? '▲' : '▼'}</span>{' '}
          {f.words ?? f.text ?? `${f.column} = ${f.value}`}
        </li>
      ))}
    </ul>
  );
}

// "why?" that shows the factors on hover and on keyboard focus.
export function FactorsHover({ factors, id }: { factors: Factor[]; id: string }) {
  if (factors.length === 0) return null;
  return (
    <span className="hovercard">
      <button type="button" className="link" aria-describedby={id}>
        why?
      </button>
      <span role="tooltip" id={id} className="hovercard-body">
        <FactorList factors={factors} />
      </span>
    </span>
  );
}

// Rows of name/value inputs for a record's custom attributes (attributes.ts
// turns them into the PATCH). Every input is labelled; rows are added and
// removed with buttons, so the editor works from the keyboard.
import type { AttributeRow } from '../attributes';

export function AttributesEditor({
  rows,
  onChange,
}: {
  rows: AttributeRow[];
  onChange: (rows: AttributeRow[]) => void;
}) {
  const set = (i: number, row: Partial<AttributeRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...row } : r)));
  return (
    <fieldset className="attributes-editor" data-testid="attributes-editor">
      <legend>Custom attributes</legend>
      {rows.length === 0 && <p className="muted small">No custom attributes.</p>}
      {rows.map((r, i) => (
        <div key={i} className="attr-row">
          <label>
            Name
            <input
              aria-label={`Attribute ${i + 1} name`}
              value={r.key}
              maxLength={64}
              onChange={(e) => set(i, { key: e.target.value })}
            />
          </label>
          <label>
            Value
            <input
              aria-label={`Attribute ${i + 1} value`}
              value={r.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
          </label>
          <button
            type="button"
            aria-label={`Remove attribute ${r.key || i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { key: '', value: '' }])}>
        Add attribute
      </button>
    </fieldset>
  );
}

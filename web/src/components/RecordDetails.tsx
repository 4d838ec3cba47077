// A lead's or customer's "Details" card: its fields and custom attributes,
// and for who may, an Edit button that swaps in the record's edit form.
import { useState, type ReactNode } from 'react';
import { attributeText } from '../attributes';

export function RecordDetails({
  headingId,
  editable,
  fields,
  attributes,
  form,
  onSaved,
}: {
  headingId: string;
  editable: boolean;
  fields: [string, ReactNode][];
  attributes: Record<string, unknown>;
  // The edit form; it calls `done` when saved or cancelled.
  form: (done: () => void) => ReactNode;
  onSaved: () => void;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="page-head">
        <h2 id={headingId}>Details</h2>
        {editable && !editing && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
      </div>
      {editing ? (
        form(() => {
          setEditing(false);
          onSaved();
        })
      ) : (
        <dl className="fields">
          {fields.map(([label, value]) => (
            <div key={label} className="attr">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
          {Object.entries(attributes).map(([k, v]) => (
            <div key={`attr-${k}`} className="attr">
              <dt>{k}</dt>
              <dd>{attributeText(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

// The edit form of a lead or a customer: labelled text inputs for its fields
// and the custom-attributes editor, sent as one PATCH (attributes as the
// merge patch attributes.ts computes). The server's refusal is shown as its
// problem, a form mistake (an attribute value without a name) before sending.
import { useState, type FormEvent, type HTMLAttributes } from 'react';
import { api } from '../api';
import { attributeRows, attributesPatch } from '../attributes';
import { AttributesEditor } from './AttributesEditor';
import { ErrorBox } from './States';

export interface FieldSpec {
  key: string;
  label: string;
  type?: 'text' | 'email' | 'tel';
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'];
  required?: boolean;
}

export function EditRecordForm({
  label,
  path,
  fields,
  initial,
  attributes,
  toBody,
  onDone,
}: {
  label: string;
  path: string;
  fields: FieldSpec[];
  initial: Record<string, string>;
  attributes: Record<string, unknown>;
  // The PATCH body's fields from the inputs' text.
  toBody: (values: Record<string, string>) => Record<string, unknown>;
  onDone: () => void;
}) {
  const [values, setValues] = useState(initial);
  const [attrs, setAttrs] = useState(() => attributeRows(attributes));
  const [error, setError] = useState<unknown>();
  const [formError, setFormError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setFormError('');
    const patch = attributesPatch(attributes, attrs);
    if ('error' in patch) {
      setFormError(`Custom attributes: ${patch.error}`);
      return;
    }
    try {
      await api.patch(path, {
        ...toBody(values),
        ...(Object.keys(patch.patch).length > 0 ? { attributes: patch.patch } : {}),
      });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} className="form-grid" aria-label={label}>
      {fields.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            type={f.type ?? 'text'}
            inputMode={f.inputMode}
            required={f.required}
            value={values[f.key] ?? ''}
            onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
          />
        </label>
      ))}
      <AttributesEditor rows={attrs} onChange={setAttrs} />
      {formError && (
        <div className="state state-error" role="alert" data-testid="problem">
          <strong>Check the form</strong>
          <div className="problem-detail">{formError}</div>
        </div>
      )}
      <ErrorBox error={error} />
      <div className="buttons">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// "" -> null, for optional text fields.
export const orNull = (s: string): string | null => (s.trim() === '' ? null : s);

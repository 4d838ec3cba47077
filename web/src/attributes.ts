// Custom attributes (a flat object of strings, numbers and booleans, see
// src/store/attributes.h) as the rows of an editing form, and back as the
// PATCH the server merges: changed or new keys with their value, removed
// keys with null.

export type AttributeValue = string | number | boolean;
export interface AttributeRow {
  key: string;
  value: string;
}

export function attributeText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function attributeRows(attrs: Record<string, unknown>): AttributeRow[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: attributeText(value) }));
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

// The typed value of a row's text. A key that held a string stays a string
// ("0042" is kept as written); otherwise "true"/"false" become booleans and a
// plain decimal number a number.
export function parseAttributeValue(text: string, previous?: unknown): AttributeValue {
  if (typeof previous === 'string') return text;
  if (text === 'true' || text === 'false') return text === 'true';
  if (NUMBER.test(text) && Number.isFinite(Number(text))) return Number(text);
  return text;
}

export type PatchResult = { patch: Record<string, AttributeValue | null> } | { error: string };

// The PATCH body's "attributes" for going from `before` to `rows`; an empty
// object when nothing changed. Rows with an empty key and value are ignored.
export function attributesPatch(
  before: Record<string, unknown>,
  rows: AttributeRow[],
): PatchResult {
  const after = new Map<string, AttributeValue>();
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '' && row.value === '') continue;
    if (key === '') return { error: `the value "${row.value}" needs a name` };
    if (after.has(key)) return { error: `"${key}" is given twice` };
    after.set(key, parseAttributeValue(row.value, before[key]));
  }
  const patch: Record<string, AttributeValue | null> = {};
  for (const key of Object.keys(before)) if (!after.has(key)) patch[key] = null;
  for (const [key, value] of after) if (before[key] !== value) patch[key] = value;
  return { patch };
}

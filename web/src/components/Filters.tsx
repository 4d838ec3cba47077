// The filter controls list pages share: a search box that reports its text a
// moment after the last key, and a labelled choice with an "any" option.
import { useEffect, useState } from 'react';

export function SearchField({
  onSearch,
  placeholder = 'name, e-mail, company',
}: {
  onSearch: (q: string) => void;
  placeholder?: string;
}) {
  const [text, setText] = useState('');
  useEffect(() => {
    const t = setTimeout(() => onSearch(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text, onSearch]);
  return (
    <label>
      Search
      <input
        type="search"
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </label>
  );
}

export function ChoiceFilter({
  label,
  value,
  onChange,
  options,
  any = 'any',
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: (string | { value: string; label: string })[];
  any?: string;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{any}</option>
        {options.map((o) =>
          typeof o === 'string' ? (
            <option key={o}>{o}</option>
          ) : (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ),
        )}
      </select>
    </label>
  );
}

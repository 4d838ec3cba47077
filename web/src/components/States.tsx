// Loading, empty and error states, the same on every page.
import type { ReactNode } from 'react';
import { ApiError } from '../api';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

// An error as the server explained it (problem+json title, detail, fields).
// `shownFields`: the fields a form shows its errors on (api.ts fieldError);
// their errors are not listed again, and a problem whose every error is shown
// on its field needs no box.
export function ErrorBox({
  error,
  onRetry,
  shownFields = [],
}: {
  error: unknown;
  onRetry?: () => void;
  shownFields?: readonly string[];
}) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  const unshown = (problem?.errors ?? []).filter((f) => !shownFields.includes(f.field));
  if (problem?.errors?.length && unshown.length === 0) return null;
  const title = problem ? problem.title : 'Something went wrong';
  const detail = problem ? problem.detail : error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert" data-testid="problem">
      <strong>
        {title}
        {problem ? ` (${problem.status})` : ''}
      </strong>
      {detail && <div className="problem-detail">{detail}</div>}
      {unshown.length > 0 && (
        <ul>
          {unshown
            .filter((f) => f.message !== detail)
            .map((f, i) => (
              <li key={i}>
                <code>{f.field}</code>: {f.message}
              </li>
            ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

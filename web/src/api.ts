// The one way the dashboard talks to the server: same-origin fetch with the
// session cookie; writes carry the CSRF header the server requires of
// cookie-authenticated requests. A non-2xx answer becomes an ApiError holding
// the server's problem+json (title, detail, per-field errors) so pages show
// the server's own words.

export const CSRF_HEADER = 'X-Requested-With';
export const CSRF_VALUE = 'InsightCRM';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
}

// Reads a failed response's body as problem+json; any other body becomes a
// problem holding the status text, so callers always get a Problem.
export async function problemFrom(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object' && typeof body.title === 'string') {
      return { ...body, status: typeof body.status === 'number' ? body.status : res.status };
    }
  } catch {
    // not JSON: fall through
  }
  return {
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    detail: text.slice(0, 300) || undefined,
  };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// Called when the session ends (401), so the app can show the login page.
let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(f: () => void): void {
  onUnauthenticated = f;
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = CSRF_VALUE;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const problem = await problemFrom(res);
    if (res.status === 401 && !path.endsWith('/auth/login')) onUnauthenticated();
    throw new ApiError(problem);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

// "?a=1&b=x" from the defined, non-empty values.
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Whether an error means the route itself is not there yet (a feature that
// has not landed on this server), as opposed to a record that is missing.
export function isMissingRoute(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 405);
}

// The message the server gave for one field of a refused body, if any.
export function fieldError(e: unknown, field: string): string | undefined {
  if (!(e instanceof ApiError)) return undefined;
  return e.problem.errors?.find((f) => f.field === field)?.message;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, isMissingRoute, problemFrom, query } from './api';

afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('turns problem+json into an ApiError with the server detail', async () => {
    const body = {
      type: 'urn:insightcrm:problem:conflict',
      title: 'Conflict',
      status: 409,
      detail: 'lead 3 cannot go from new to lost',
      errors: [{ field: 'status', message: 'x' }],
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify(body), {
            status: 409,
            headers: { 'Content-Type': 'application/problem+json' },
          }),
      ),
    );
    const e = (await api
      .post('/api/v1/leads/3/status', { status: 'lost' })
      .catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(409);
    expect(e.message).toBe('lead 3 cannot go from new to lost');
    expect(e.problem.errors![0].field).toBe('status');
  });
  it('sends the CSRF header on writes only', async () => {
    const f = vi.fn(async () => new Response('{}', { status: 200 }));
    vi.stubGlobal('fetch', f);
    await api.get('/a');
    await api.post('/b', { x: 1 });
    const headers = (i: number) =>
      (f.mock.calls[i] as unknown as [string, RequestInit])[1].headers as Record<string, string>;
    expect(headers(0)['X-Requested-With']).toBeUndefined();
    expect(headers(1)['X-Requested-With']).toBe('InsightCRM');
    expect(headers(1)['Content-Type']).toBe('application/json');
  });
  it('keeps a non-JSON error readable', async () => {
    const p = await problemFrom(
      new Response('upstream down', { status: 502, statusText: 'Bad Gateway' }),
    );
    expect(p).toEqual({ title: 'Bad Gateway', status: 502, detail: 'upstream down' });
  });
  it('builds query strings from the set values only', () => {
    expect(query({ a: 1, b: '', c: undefined, d: null, q: 'a b&c' })).toBe('?a=1&q=a+b%26c');
    expect(query({})).toBe('');
  });
  it('tells a missing route from other errors', () => {
    expect(isMissingRoute(new ApiError({ title: 'Not Found', status: 404 }))).toBe(true);
    expect(isMissingRoute(new ApiError({ title: 'Forbidden', status: 403 }))).toBe(false);
    expect(isMissingRoute(new Error('x'))).toBe(false);
  });
});

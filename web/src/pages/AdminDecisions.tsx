// Admin sections for the decision stage (admins only; the server refuses
// others): the decision settings form (GET|PUT /api/v1/settings/decisions),
// with the server's refusal shown on the field it names, and the webhooks
// (list, add with URL and topics, delete, send a test, recent deliveries).
import { useEffect, useState, type FormEvent } from 'react';
import { api, fieldError } from '../api';
import { Empty, ErrorBox, Loading } from '../components/States';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';
import { formToSettings, SETTING_GROUPS, settingsToForm, type SettingField } from '../settings';
import {
  WEBHOOK_TOPICS,
  type DecisionSettings,
  type Webhook,
  type WebhookDelivery,
  type WebhookTopic,
} from '../types';

const fieldId = (key: string) => `setting-${key.replace('.', '-')}`;

export function DecisionSettingsSection() {
  const settings = useAsync(() => api.get<DecisionSettings>('/api/v1/settings/decisions'), []);
  const [form, setForm] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<DecisionSettings | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (settings.data) setForm(settingsToForm(settings.data));
  }, [settings.data]);

  const current = saved ?? settings.data;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    setBusy(true);
    setError(undefined);
    setSaved(null);
    try {
      const s = await api.put<DecisionSettings>('/api/v1/settings/decisions', formToSettings(form));
      setSaved(s);
      setForm(settingsToForm(s));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // The settings the form shows for the mode chosen.
  const groups = form
    ? SETTING_GROUPS.filter(
        (g) => !g.modes || g.modes.includes(form.mode as DecisionSettings['mode']),
      )
    : [];
  const input = (f: SettingField) => {
    const message = fieldError(error, f.key);
    const id = fieldId(f.key);
    const common = {
      id,
      value: form?.[f.key] ?? '',
      'aria-invalid': message ? true : undefined,
      'aria-describedby': message ? `${id}-error` : f.hint ? `${id}-hint` : undefined,
      onChange: (e: { target: { value: string } }) =>
        setForm((old) => ({ ...old!, [f.key]: e.target.value })),
    };
    return (
      <div key={f.key} className="field">
        <label htmlFor={id}>{f.label}</label>
        {f.kind === 'choice' ? (
          <select {...common}>
            {f.options!.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        ) : (
          <input {...common} type="text" inputMode="decimal" />
        )}
        {message ? (
          <span className="field-error" id={`${id}-error`} data-testid={`${id}-error`}>
            {message}
          </span>
        ) : f.hint ? (
          <span className="small muted" id={`${id}-hint`}>
            {f.hint}
          </span>
        ) : null}
      </div>
    );
  };

  return (
    <section className="card" aria-labelledby="decision-settings-h">
      <h2 id="decision-settings-h">Decision settings</h2>
      {settings.error ? <ErrorBox error={settings.error} onRetry={settings.reload} /> : null}
      {settings.loading && !settings.data ? <Loading /> : null}
      {current?.in_force && (
        <p data-testid="thresholds-in-force">
          In force now: high above θ = {current.in_force.theta.toFixed(3)}, medium above θ₁ ={' '}
          {current.in_force.theta1.toFixed(3)} ({current.in_force.mode}: {current.in_force.basis})
        </p>
      )}
      {form && (
        <form className="settings-form" onSubmit={submit} aria-label="Decision settings" noValidate>
          {groups.map((g) => (
            <fieldset key={g.legend} className="settings">
              <legend>{g.legend}</legend>
              {g.fields.map(input)}
            </fieldset>
          ))}
          <ErrorBox error={error} shownFields={groups.flatMap((g) => g.fields.map((f) => f.key))} />
          {saved && (
            <p className="notice" role="status">
              Saved.
            </p>
          )}
          <div className="buttons">
            <button type="submit" className="primary" disabled={busy}>
              Save settings
            </button>
            <button
              type="button"
              disabled={busy || !current}
              onClick={() => {
                setForm(settingsToForm(current!));
                setError(undefined);
              }}
            >
              Undo changes
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function WebhooksSection() {
  const hooks = useAsync(() => api.get<{ items: Webhook[] }>('/api/v1/webhooks'), []);
  const [error, setError] = useState<unknown>();
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [tested, setTested] = useState(0);

  const run = async (call: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await call();
      hooks.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="webhooks-h">
      <h2 id="webhooks-h">Webhooks</h2>
      <p className="muted small">
        Signed POSTs of decisions, alerts and score changes to other systems, retried with backoff.
      </p>
      <ErrorBox error={error} />
      {secret && (
        <p className="notice" role="status">
          Signing secret of {secret.url} (shown once, copy it now):{' '}
          <code data-testid="webhook-secret">{secret.secret}</code>
        </p>
      )}
      {hooks.error ? <ErrorBox error={hooks.error} onRetry={hooks.reload} /> : null}
      {hooks.loading && !hooks.data ? <Loading /> : null}
      {hooks.data && hooks.data.items.length === 0 && (
        <Empty title="No webhooks">Add one below.</Empty>
      )}
      {hooks.data && hooks.data.items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="webhooks-table">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Topics</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {hooks.data.items.map((h) => (
                <tr key={h.id} data-testid={`webhook-${h.id}`}>
                  <td className="tl-title">
                    {h.url}
                    {h.description && <div className="muted small">{h.description}</div>}
                  </td>
                  <td>{h.topics.join(', ')}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`${h.active ? 'Pause' : 'Resume'} ${h.url}`}
                      onClick={() =>
                        run(() => api.patch(`/api/v1/webhooks/${h.id}`, { active: !h.active }))
                      }
                    >
                      {h.active ? 'active · pause' : 'paused · resume'}
                    </button>
                  </td>
                  <td>
                    <div className="buttons">
                      <button
                        type="button"
                        aria-label={`Send a test to ${h.url}`}
                        onClick={() =>
                          run(async () => {
                            await api.post(`/api/v1/webhooks/${h.id}/test`);
                            setOpen(h.id);
                            setTested((n) => n + 1);
                          })
                        }
                      >
                        Send test
                      </button>
                      <button
                        type="button"
                        aria-expanded={open === h.id}
                        aria-label={`Deliveries of ${h.url}`}
                        onClick={() => setOpen(open === h.id ? null : h.id)}
                      >
                        Deliveries
                      </button>
                      <button
                        type="button"
                        aria-label={`Delete ${h.url}`}
                        onClick={() =>
                          run(async () => {
                            await api.del(`/api/v1/webhooks/${h.id}`);
                            if (open === h.id) setOpen(null);
                          })
                        }
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open !== null && hooks.data?.items.some((h) => h.id === open) && (
        <Deliveries id={open} nonce={tested} />
      )}
      <AddWebhook
        onAdded={(h) => {
          setSecret(h.secret ? { url: h.url, secret: h.secret } : null);
          hooks.reload();
        }}
      />
    </section>
  );
}

// The latest deliveries of one endpoint, newest first.
const DELIVERY_PAGE = 20;
function Deliveries({ id, nonce }: { id: number; nonce: number }) {
  const list = useAsync(
    () =>
      api.get<{ items: WebhookDelivery[] }>(
        `/api/v1/webhooks/${id}/deliveries?limit=${DELIVERY_PAGE}`,
      ),
    [id, nonce],
  );
  return (
    <div aria-live="polite">
      <h3>
        Recent deliveries{' '}
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </h3>
      {list.error ? <ErrorBox error={list.error} /> : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.items.length === 0 && <p className="muted">Nothing sent yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="deliveries-table" className="compact">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Topic</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last answer</th>
                <th scope="col">Next attempt</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.id}>
                  <td>{formatDateTime(d.created_at)}</td>
                  <td>{d.topic}</td>
                  <td>
                    <span
                      className={`chip ${d.status === 'delivered' ? 'chip-ok' : d.status === 'failed' ? 'chip-bad' : ''}`}
                    >
                      {d.status}
                    </span>
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td className="tl-title">
                    {d.last_status_code !== null ? `HTTP ${d.last_status_code}` : ''}
                    {d.last_error ? ` ${d.last_error}` : ''}
                    {d.latency_ms !== null ? ` · ${d.latency_ms} ms` : ''}
                    {d.last_status_code === null && !d.last_error ? '—' : ''}
                  </td>
                  <td>{d.status === 'pending' ? formatDateTime(d.next_attempt_at) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function AddWebhook({ onAdded }: { onAdded: (h: Webhook) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [topics, setTopics] = useState<WebhookTopic[]>(['decision']);
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const h = await api.post<Webhook>('/api/v1/webhooks', {
        url,
        topics,
        ...(description ? { description } : {}),
      });
      setUrl('');
      setDescription('');
      onAdded(h);
    } catch (err) {
      setError(err);
    }
  };
  const urlError = fieldError(error, 'url');
  const topicsError = fieldError(error, 'topics');
  return (
    <form onSubmit={submit} className="form-grid" aria-label="Add a webhook" noValidate>
      <h3 className="wide">Add a webhook</h3>
      <div className="field wide">
        <label htmlFor="webhook-url">URL</label>
        <input
          id="webhook-url"
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-invalid={urlError ? true : undefined}
          aria-describedby={urlError ? 'webhook-url-error' : undefined}
          placeholder="https://example.com/hooks/crm"
        />
        {urlError && (
          <span className="field-error" id="webhook-url-error">
            {urlError}
          </span>
        )}
      </div>
      <label>
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <fieldset className="checks">
        <legend className="small muted">Topics</legend>
        {WEBHOOK_TOPICS.map((t) => (
          <label key={t}>
            <input
              type="checkbox"
              checked={topics.includes(t)}
              onChange={(e) =>
                setTopics((old) => (e.target.checked ? [...old, t] : old.filter((x) => x !== t)))
              }
            />
            {t}
          </label>
        ))}
        {topicsError && <span className="field-error">{topicsError}</span>}
      </fieldset>
      <ErrorBox error={error} shownFields={['url', 'topics']} />
      <div className="buttons">
        <button type="submit" className="primary">
          Add webhook
        </button>
      </div>
    </form>
  );
}

// Administration: users and roles (admins change, managers read), the
// signed-in user's API tokens (everyone), and the scoring models (everyone
// reads; admins and managers train and activate), and for admins the
// decision settings and webhooks (AdminDecisions.tsx).
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { Empty, ErrorBox, Loading } from '../components/States';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';
import {
  canListUsers,
  canManageSettings,
  canManageUsers,
  canTrainModels,
  ROLE_LABEL,
} from '../permissions';
import { clearUserCache, useMe } from '../session';
import type { ApiToken, ModelJob, ModelVersion, Page, Role, User } from '../types';
import { DecisionSettingsSection, WebhooksSection } from './AdminDecisions';
import { qualityRows } from './ModelQuality';

export function AdminPage() {
  const me = useMe();
  return (
    <div className="page">
      <div className="page-head">
        <h1>Admin</h1>
      </div>
      {canListUsers(me.role) && <UsersSection />}
      <TokensSection />
      <ModelsSection />
      {canManageSettings(me.role) && <DecisionSettingsSection />}
      {canManageSettings(me.role) && <WebhooksSection />}
    </div>
  );
}

function UsersSection() {
  const me = useMe();
  const users = useAsync(() => api.get<Page<User>>('/api/v1/users?limit=500&sort=name'), []);
  const [error, setError] = useState<unknown>();
  const manage = canManageUsers(me.role);
  const change = async (u: User, body: Partial<User>) => {
    setError(undefined);
    try {
      await api.patch(`/api/v1/users/${u.id}`, body);
      clearUserCache();
      users.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="users-h">
      <h2 id="users-h">Users and roles</h2>
      <ErrorBox error={error} />
      {users.error ? <ErrorBox error={users.error} onRetry={users.reload} /> : null}
      {users.loading && !users.data ? <Loading /> : null}
      {users.data && (
        <div className="table-wrap">
          <table data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Access</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    {manage && u.id !== me.id ? (
                      <select
                        aria-label={`Role of ${u.name}`}
                        value={u.role}
                        onChange={(e) => change(u, { role: e.target.value as Role })}
                      >
                        {(['admin', 'manager', 'rep', 'viewer'] as Role[]).map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABEL[r]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      ROLE_LABEL[u.role]
                    )}
                  </td>
                  <td>
                    {manage && u.id !== me.id ? (
                      <button type="button" onClick={() => change(u, { disabled: !u.disabled })}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    ) : u.disabled ? (
                      'disabled'
                    ) : (
                      'active'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {manage && (
        <AddUser
          onAdded={() => {
            clearUserCache();
            users.reload();
          }}
        />
      )}
    </section>
  );
}

function AddUser({ onAdded }: { onAdded: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('rep');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/users', { email, name, role, password });
      setEmail('');
      setName('');
      setPassword('');
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} className="form-grid" aria-label="Add a user">
      <h3>Add a user</h3>
      <label>
        E-mail
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {(['admin', 'manager', 'rep', 'viewer'] as Role[]).map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Initial password
        <input
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <ErrorBox error={error} />
      <div className="buttons">
        <button type="submit" className="primary">
          Add user
        </button>
      </div>
    </form>
  );
}

function TokensSection() {
  const tokens = useAsync(
    () =>
      api.get<{ items: (ApiToken & { prefix?: string; revoked_at?: string | null })[] }>(
        '/api/v1/tokens',
      ),
    [],
  );
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const t = await api.post<{ token: string }>('/api/v1/tokens', { name });
      setCreated(t.token);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: number) => {
    setError(undefined);
    try {
      await api.del(`/api/v1/tokens/${id}`);
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="tokens-h">
      <h2 id="tokens-h">My API tokens</h2>
      <p className="muted small">A token acts with your role. It is shown once, when it is made.</p>
      <ErrorBox error={error} />
      {created && (
        <p className="notice" role="status">
          New token (copy it now): <code data-testid="new-token">{created}</code>
        </p>
      )}
      {tokens.error ? <ErrorBox error={tokens.error} /> : null}
      {tokens.data && tokens.data.items.length === 0 && <p className="muted">No tokens.</p>}
      {tokens.data && tokens.data.items.length > 0 && (
        <ul className="plain">
          {tokens.data.items.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong> <code>{t.prefix}…</code> · made{' '}
              {formatDateTime(t.created_at)} · last used {formatDateTime(t.last_used_at)}
              {t.revoked_at ? (
                ' · revoked'
              ) : (
                <button
                  type="button"
                  onClick={() => revoke(t.id)}
                  aria-label={`Revoke token ${t.name}`}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={create} className="inline-form" aria-label="Create a token">
        <label>
          Token name
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Create token</button>
      </form>
    </section>
  );
}

function ModelsSection() {
  const me = useMe();
  const models = useAsync(() => api.get<{ items: ModelVersion[] }>('/api/v1/models'), []);
  const [job, setJob] = useState<ModelJob | null>(null);
  const [error, setError] = useState<unknown>();
  const train = canTrainModels(me.role);

  const poll = async (id: number) => {
    for (;;) {
      const j = await api.get<ModelJob>(`/api/v1/models/jobs/${id}`);
      setJob(j);
      if (j.status === 'succeeded' || j.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    models.reload();
  };
  const start = async (entity: 'leads' | 'customers') => {
    setError(undefined);
    try {
      const j = await api.post<ModelJob>('/api/v1/models/train', { entity });
      setJob(j);
      await poll(j.id);
    } catch (e) {
      setError(e);
    }
  };
  const activate = async (id: number) => {
    setError(undefined);
    try {
      const r = await api.post<{ scoring_job: ModelJob }>(`/api/v1/models/${id}/activate`);
      setJob(r.scoring_job);
      await poll(r.scoring_job.id);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="models-h">
      <h2 id="models-h">Scoring models</h2>
      {train && (
        <div className="buttons" role="group" aria-label="Train">
          <button
            type="button"
            onClick={() => start('leads')}
            disabled={job?.status === 'queued' || job?.status === 'running'}
          >
            Train lead models
          </button>
          <button
            type="button"
            onClick={() => start('customers')}
            disabled={job?.status === 'queued' || job?.status === 'running'}
          >
            Train churn models
          </button>
        </div>
      )}
      {job && (
        <p role="status" data-testid="model-job">
          Job #{job.id}: {job.status}
          {job.progress ? ` — ${job.progress}` : ''}
          {job.error ? ` — ${job.error}` : ''}
        </p>
      )}
      <ErrorBox error={error} />
      {models.error ? <ErrorBox error={models.error} /> : null}
      {models.loading && !models.data ? <Loading /> : null}
      {models.data && models.data.items.length === 0 && (
        <Empty title="No models yet">
          {train ? 'Train one above.' : 'An admin or manager trains them.'}
        </Empty>
      )}
      {models.data && models.data.items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="models-table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Trained</th>
                <th scope="col">ROC-AUC (vs rule)</th>
                <th scope="col">F1 (vs rule)</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {models.data.items.map((m) => {
                const [primary, rule] = qualityRows(m);
                const f = (x?: number) => (x === undefined ? '—' : x.toFixed(3));
                return (
                  <tr key={m.id}>
                    <td>
                      {m.entity}/{m.target} v{m.version} ({m.kind})
                    </td>
                    <td>{formatDateTime(m.created_at)}</td>
                    <td>
                      {f(primary.m?.test.roc_auc)} ({f(rule.m?.test.roc_auc)})
                    </td>
                    <td>
                      {f(primary.m?.test.at_threshold.f1)} ({f(rule.m?.test.at_threshold.f1)})
                    </td>
                    <td>
                      {m.active ? (
                        <span className="chip chip-hot">active</span>
                      ) : train ? (
                        <button type="button" onClick={() => activate(m.id)}>
                          Activate
                        </button>
                      ) : (
                        'inactive'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

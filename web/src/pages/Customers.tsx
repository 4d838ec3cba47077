// Customers: a searchable list (GET /api/v1/customers, cursor pages) and a
// detail with the customer's sales.
import { useEffect, useState } from 'react';
import { api, query } from '../api';
import { ChoiceFilter, SearchField } from '../components/Filters';
import { Link } from '../components/Link';
import { Empty, ErrorBox, Loading } from '../components/States';
import { StatusChip } from '../components/TierChip';
import { formatDate, formatDateTime, formatMoney } from '../format';
import { useAsync } from '../hooks';
import { ownerName, useMe, useUsers } from '../session';
import type { Customer, Page, Transaction } from '../types';

export function CustomersPage() {
  const me = useMe();
  const users = useUsers();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState<string[]>([]); // cursors of the pages before this one
  const [cursor, setCursor] = useState('');
  useEffect(() => {
    setCursor('');
    setCursors([]);
  }, [q, status]);
  const page = useAsync(
    () => api.get<Page<Customer>>(`/api/v1/customers${query({ limit: 25, sort: 'name', q, status, cursor })}`),
    [q, status, cursor],
  );
  return (
    <div className="page">
      <div className="page-head">
        <h1>Customers</h1>
      </div>
      <form className="filters" role="search" aria-label="Filter customers" onSubmit={(e) => e.preventDefault()}>
        <SearchField onSearch={setQ} />
        <ChoiceFilter label="Status" value={status} onChange={setStatus} options={['active', 'inactive', 'churned']} />
      </form>
      {page.error ? <ErrorBox error={page.error} onRetry={page.reload} /> : null}
      {page.loading && !page.data ? <Loading what="Loading customers" /> : null}
      {page.data && page.data.items.length === 0 && <Empty title="No customers match" />}
      {page.data && page.data.items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="customers-table">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-narrow">Country</th>
                <th scope="col" className="hide-narrow">Plan</th>
                <th scope="col" className="hide-narrow">Owner</th>
                <th scope="col" className="hide-narrow">Since</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/customers/${c.id}`}>{c.name}</Link>
                    <div className="small muted">{c.company ?? c.email ?? ''}</div>
                  </td>
                  <td>
                    <StatusChip status={c.status} />
                  </td>
                  <td className="hide-narrow">{c.country ?? '—'}</td>
                  <td className="hide-narrow">{String(c.attributes.plan ?? '—')}</td>
                  <td className="hide-narrow">{ownerName(c.owner_id, me, users)}</td>
                  <td className="hide-narrow">{formatDate(c.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.data && (cursors.length > 0 || page.data.next_cursor) && (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            disabled={cursors.length === 0}
            onClick={() => {
              setCursor(cursors[cursors.length - 1] ?? '');
              setCursors(cursors.slice(0, -1));
            }}
          >
            ← Previous
          </button>
          <span>Page {cursors.length + 1}</span>
          <button
            type="button"
            disabled={!page.data.next_cursor}
            onClick={() => {
              setCursors([...cursors, cursor]);
              setCursor(page.data!.next_cursor ?? '');
            }}
          >
            Next →
          </button>
        </nav>
      )}
    </div>
  );
}

export function CustomerDetailPage({ id }: { id: number }) {
  const me = useMe();
  const users = useUsers();
  const customer = useAsync(() => api.get<Customer>(`/api/v1/customers/${id}`), [id]);
  const sales = useAsync(
    () => api.get<Page<Transaction>>(`/api/v1/transactions?customer_id=${id}&sort=-occurred_at&limit=100`),
    [id],
  );
  if (customer.loading && !customer.data) return <Loading what="Loading the customer" />;
  if (customer.error) return <ErrorBox error={customer.error} onRetry={customer.reload} />;
  const c = customer.data!;
  const total = sales.data?.items.reduce((a, t) => a + t.amount_minor, 0) ?? 0;
  return (
    <div className="page">
      <p>
        <Link href="/customers">← Customers</Link>
      </p>
      <div className="page-head">
        <h1>{c.name}</h1>
        <StatusChip status={c.status} />
      </div>
      <div className="grid2">
        <section className="card">
          <h2>Details</h2>
          <dl className="fields">
            <dt>E-mail</dt>
            <dd>{c.email ?? '—'}</dd>
            <dt>Phone</dt>
            <dd>{c.phone ?? '—'}</dd>
            <dt>Company</dt>
            <dd>{c.company ?? '—'}</dd>
            <dt>Country</dt>
            <dd>{c.country ?? '—'}</dd>
            <dt>Owner</dt>
            <dd>{ownerName(c.owner_id, me, users)}</dd>
            {Object.entries(c.attributes).map(([k, v]) => (
              <div key={k} className="attr">
                <dt>{k}</dt>
                <dd>{String(v)}</dd>
              </div>
            ))}
          </dl>
          <p className="muted small">Segment and churn risk appear here once customer models score customers.</p>
        </section>
        <section className="card">
          <h2>Sales</h2>
          {sales.error ? <ErrorBox error={sales.error} /> : null}
          {sales.loading && !sales.data ? <Loading /> : null}
          {sales.data && sales.data.items.length === 0 && <Empty title="No sales yet" />}
          {sales.data && sales.data.items.length > 0 && (
            <>
              <p>
                {sales.data.items.length}
                {sales.data.next_cursor ? '+' : ''} lines, {formatMoney(total, sales.data.items[0].currency)}
                {sales.data.next_cursor ? ' (latest 100)' : ''}
              </p>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Invoice</th>
                      <th scope="col">Qty</th>
                      <th scope="col">Amount</th>
                    </tr>
                  </thead>
                  <tbody>
                    {sales.data.items.map((t) => (
                      <tr key={t.id}>
                        <td>{formatDateTime(t.occurred_at)}</td>
                        <td>{t.external_id ?? '—'}</td>
                        <td>{t.quantity}</td>
                        <td>{formatMoney(t.amount_minor, t.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      </div>
    </div>
  );
}

// Customers: a searchable list (GET /api/v1/customers, cursor pages) and a
// detail with the customer's sales, churn risk (when a customer model has
// scored them), timeline, and editing for those who may.
import { useState } from 'react';
import { api, ApiError, query } from '../api';
import { EditRecordForm, orNull, type FieldSpec } from '../components/EditRecordForm';
import { FactorList } from '../components/Factors';
import { ChoiceFilter, SearchField } from '../components/Filters';
import { Link } from '../components/Link';
import { RecordDetails } from '../components/RecordDetails';
import { Empty, ErrorBox, Loading } from '../components/States';
import { StatusChip } from '../components/TierChip';
import { RecordTimeline } from '../components/Timeline';
import { formatDate, formatDateTime, formatMoney, formatPercent, salesTotals } from '../format';
import { useAsync } from '../hooks';
import { ownerName, useMe, useUsers } from '../session';
import { canEditCustomer } from '../permissions';
import type { ChurnRisk, Customer, Page, Tier, Transaction } from '../types';

// The sales lines a customer's page loads (newest first).
const SALES_PAGE = 100;

export function CustomersPage() {
  const me = useMe();
  const users = useUsers();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState<string[]>([]); // cursors of the pages before this one
  const [cursor, setCursor] = useState('');
  // Back to the first page when a filter changes, during render: an effect
  // would first fetch the old cursor with the new filters, then fetch again.
  const filterKey = `${q}\u0000${status}`;
  const [cursorFor, setCursorFor] = useState(filterKey);
  if (cursorFor !== filterKey) {
    setCursorFor(filterKey);
    setCursor('');
    setCursors([]);
  }
  const page = useAsync(
    () =>
      api.get<Page<Customer>>(
        `/api/v1/customers${query({ limit: 25, sort: 'name', q, status, cursor })}`,
      ),
    [q, status, cursor],
  );
  return (
    <div className="page">
      <div className="page-head">
        <h1>Customers</h1>
      </div>
      <form
        className="filters"
        role="search"
        aria-label="Filter customers"
        onSubmit={(e) => e.preventDefault()}
      >
        <SearchField onSearch={setQ} />
        <ChoiceFilter
          label="Status"
          value={status}
          onChange={setStatus}
          options={['active', 'inactive', 'churned']}
        />
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
                <th scope="col" className="hide-narrow">
                  Country
                </th>
                <th scope="col" className="hide-narrow">
                  Plan
                </th>
                <th scope="col" className="hide-narrow">
                  Owner
                </th>
                <th scope="col" className="hide-narrow">
                  Since
                </th>
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
    () =>
      api.get<Page<Transaction>>(
        `/api/v1/transactions?customer_id=${id}&sort=-occurred_at&limit=${SALES_PAGE}`,
      ),
    [id],
  );
  if (customer.loading && !customer.data) return <Loading what="Loading the customer" />;
  if (customer.error) return <ErrorBox error={customer.error} onRetry={customer.reload} />;
  const c = customer.data!;
  const totals = sales.data ? salesTotals(sales.data.items) : [];
  return (
    <div className="page">
      <p>
        <Link href="/customers">← Customers</Link>
      </p>
      <div className="page-head">
        <h1 data-testid="customer-name">{c.name}</h1>
        <StatusChip status={c.status} />
      </div>
      <div className="grid2">
        <RecordDetails
          headingId="customer-fields-h"
          editable={canEditCustomer(me.role)}
          fields={[
            ['E-mail', c.email ?? '—'],
            ['Phone', c.phone ?? '—'],
            ['Company', c.company ?? '—'],
            ['Country', c.country ?? '—'],
            ['Owner', ownerName(c.owner_id, me, users)],
            ['Customer since', formatDate(c.created_at)],
            ...customerSegment(c),
          ]}
          attributes={c.attributes}
          form={(done) => <CustomerForm customer={c} onDone={done} />}
          onSaved={customer.reload}
        />
        <section className="card" aria-labelledby="churn-h">
          <h2 id="churn-h">Churn risk</h2>
          <ChurnRiskPanel customer={c} />
        </section>
      </div>
      <section className="card" aria-labelledby="sales-h">
        <h2 id="sales-h">Sales</h2>
        {sales.error ? <ErrorBox error={sales.error} onRetry={sales.reload} /> : null}
        {sales.loading && !sales.data ? <Loading /> : null}
        {sales.data && sales.data.items.length === 0 && <Empty title="No sales yet" />}
        {sales.data && sales.data.items.length > 0 && (
          <>
            <p data-testid="sales-summary">
              {sales.data.items.length}
              {sales.data.next_cursor ? '+' : ''} lines ·{' '}
              {totals.map((t) => `${formatMoney(t.amount_minor, t.currency)}`).join(' + ')}
              {sales.data.next_cursor ? ` (the latest ${SALES_PAGE} lines)` : ''}
            </p>
            <div className="table-wrap">
              <table data-testid="sales-table">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Invoice</th>
                    <th scope="col" className="num">
                      Qty
                    </th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {sales.data.items.map((t) => (
                    <tr key={t.id} className={t.quantity < 0 ? 'return' : ''}>
                      <td>{formatDateTime(t.occurred_at)}</td>
                      <td>
                        {t.external_id ?? '—'}
                        {t.quantity < 0 && <span className="chip">return</span>}
                      </td>
                      <td className="num">{t.quantity}</td>
                      <td className="num">{formatMoney(t.amount_minor, t.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="customer-timeline-h">
        <h2 id="customer-timeline-h">Timeline</h2>
        <RecordTimeline entity="customer" id={id} />
      </section>
    </div>
  );
}

// The customer's latest churn score (GET /api/v1/customers/{id}/churn-risk),
// or the server's reason there is none.
function ChurnRiskPanel({ customer }: { customer: Customer }) {
  const risk = useAsync(
    () => api.get<ChurnRisk>(`/api/v1/customers/${customer.id}/churn-risk`),
    [customer.id],
  );
  if (customer.status === 'churned') return <p className="muted">This customer has churned.</p>;
  if (risk.loading && !risk.data) return <Loading />;
  if (risk.error) {
    if (risk.error instanceof ApiError && risk.error.status === 404)
      return <Empty title="No churn score yet">{risk.error.problem.detail}</Empty>;
    return <ErrorBox error={risk.error} onRetry={risk.reload} />;
  }
  const r = risk.data!;
  return (
    <div data-testid="churn-risk">
      <p className="score-line">
        <span className={`chip chip-${r.tier}`}>{CHURN_TIER[r.tier]}</span>{' '}
        <strong>{formatPercent(r.probability)}</strong> likely to churn · rank #{r.rank}
      </p>
      <h3>Top factors</h3>
      <FactorList factors={r.factors} />
      <p className="muted small">
        Model {r.model.kind} v{r.model.version}
        {r.model.active ? '' : ' (no longer active)'} · scored {formatDateTime(r.scored_at)}
      </p>
    </div>
  );
}

const CHURN_TIER: Record<Tier, string> = {
  hot: 'high risk',
  warm: 'medium risk',
  cold: 'low risk',
};

const CUSTOMER_FIELDS: FieldSpec[] = [
  { key: 'name', label: 'Name', required: true },
  { key: 'email', label: 'E-mail', type: 'email' },
  { key: 'phone', label: 'Phone', type: 'tel' },
  { key: 'company', label: 'Company' },
  { key: 'country', label: 'Country' },
];

function CustomerForm({ customer, onDone }: { customer: Customer; onDone: () => void }) {
  return (
    <EditRecordForm
      label="Edit customer"
      path={`/api/v1/customers/${customer.id}`}
      fields={CUSTOMER_FIELDS}
      initial={{
        name: customer.name,
        email: customer.email ?? '',
        phone: customer.phone ?? '',
        company: customer.company ?? '',
        country: customer.country ?? '',
      }}
      attributes={customer.attributes}
      toBody={(v) => ({
        name: v.name,
        email: orNull(v.email),
        phone: orNull(v.phone),
        company: orNull(v.company),
        country: orNull(v.country),
      })}
      onDone={onDone}
    />
  );
}

// The customer's segment as a field row, only when the server gives one (it
// does not until segmentation lands); nothing is guessed in the browser.
export function customerSegment(c: Pick<Customer, 'segment'>): [string, string][] {
  if (c.segment === undefined) return [];
  return [['Segment', c.segment ?? 'not segmented yet']];
}

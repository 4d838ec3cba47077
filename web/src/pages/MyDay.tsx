// A rep's open activities due today and overdue (GET /api/v1/activities).
// Until that route is on the server this page says so instead of guessing.
import { api, isMissingRoute, query } from '../api';
import { Empty, ErrorBox, Loading } from '../components/States';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';
import { useMe } from '../session';
import type { Page } from '../types';

interface Activity {
  id: number;
  kind: string;
  subject: string;
  due_at: string | null;
  status: string;
  lead_id: number | null;
  customer_id: number | null;
}

function endOfTodayUtc(): string {
  const d = new Date();
  d.setUTCHours(23, 59, 59, 999);
  return d.toISOString();
}

export function MyDayPage() {
  const me = useMe();
  const list = useAsync(
    () =>
      api.get<Page<Activity>>(
        `/api/v1/activities${query({ status: 'open', owner_id: me.id, due_at_to: endOfTodayUtc(), sort: 'due_at', limit: 200 })}`,
      ),
    [me.id],
  );
  const now = new Date().toISOString();
  return (
    <div className="page">
      <div className="page-head">
        <h1>My day</h1>
      </div>
      {list.loading && !list.data ? <Loading what="Loading your activities" /> : null}
      {list.error ? (
        isMissingRoute(list.error) ? (
          <Empty title="Activities are not on this server yet">
            My day arrives with the activities routes (GET /api/v1/activities).
          </Empty>
        ) : (
          <ErrorBox error={list.error} onRetry={list.reload} />
        )
      ) : null}
      {list.data && list.data.items.length === 0 && (
        <Empty title="Nothing due today">No open activities due today or overdue.</Empty>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul className="activities">
          {list.data.items.map((a) => (
            <li key={a.id} className={a.due_at && a.due_at < now ? 'overdue' : ''}>
              <strong>{a.subject}</strong> <span className="chip">{a.kind}</span>
              <div className="small muted">
                due {formatDateTime(a.due_at)}
                {a.due_at && a.due_at < now ? ' · overdue' : ''}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

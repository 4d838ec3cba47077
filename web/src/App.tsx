import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, setUnauthenticatedHandler } from './api';
import { Link } from './components/Link';
import { Loading, ErrorBox } from './components/States';
import { ROLE_LABEL } from './permissions';
import { match, navigate, useLocation } from './router';
import { SessionContext, clearUserCache } from './session';
import type { Me } from './types';
import { LoginPage } from './pages/Login';
import { OverviewPage } from './pages/Overview';
import { LeadsPage } from './pages/Leads';
import { LeadDetailPage } from './pages/LeadDetail';
import { PipelinePage } from './pages/Pipeline';
import { DecisionsPage } from './pages/Decisions';
import { CustomersPage, CustomerDetailPage } from './pages/Customers';
import { MyDayPage } from './pages/MyDay';
import { LivePage } from './pages/Live';
import { AdminPage } from './pages/Admin';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/leads', label: 'Leads' },
  { href: '/pipeline', label: 'Pipeline' },
  { href: '/decisions', label: 'Decisions' },
  { href: '/customers', label: 'Customers' },
  { href: '/my-day', label: 'My day' },
  { href: '/live', label: 'Live' },
  { href: '/admin', label: 'Admin' },
];

function Page({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <OverviewPage />;
  if (match('/leads', path)) return <LeadsPage />;
  if ((m = match('/leads/:id', path))) return <LeadDetailPage id={Number(m.id)} />;
  if (match('/pipeline', path)) return <PipelinePage />;
  if (match('/decisions', path)) return <DecisionsPage />;
  if (match('/customers', path)) return <CustomersPage />;
  if ((m = match('/customers/:id', path))) return <CustomerDetailPage id={Number(m.id)} />;
  if (match('/my-day', path)) return <MyDayPage />;
  if (match('/live', path)) return <LivePage />;
  if (match('/admin', path)) return <AdminPage />;
  return (
    <div className="state state-empty">
      <strong>No page at {path}</strong> <Link href="/">Back to the overview</Link>
    </div>
  );
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const [menuOpen, setMenuOpen] = useState(false);
  const { path } = useLocation();

  // The error is cleared when the answer comes, not before: loadMe runs in an
  // effect, where a synchronous setState renders twice.
  const loadMe = useCallback(() => {
    api.get<Me>('/api/v1/me').then(
      (m) => {
        setError(undefined);
        setMe(m);
      },
      (e) => {
        if (e instanceof ApiError && e.status === 401) {
          setError(undefined);
          setMe(null);
        } else setError(e);
      },
    );
  }, []);
  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    loadMe();
  }, [loadMe]);
  // Navigating closes the phone menu (during render: no frame with it open).
  const [menuPath, setMenuPath] = useState(path);
  if (menuPath !== path) {
    setMenuPath(path);
    setMenuOpen(false);
  }
  // Signed in on the login address: go to the overview.
  useEffect(() => {
    if (me && path === '/login') navigate('/');
  }, [me, path]);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch {
      // the session may already be gone; either way we are signed out
    }
    clearUserCache();
    setMe(null);
    navigate('/login');
  }, []);

  if (error)
    return (
      <main className="center">
        <ErrorBox error={error} onRetry={loadMe} />
      </main>
    );
  if (me === undefined)
    return (
      <main className="center">
        <Loading what="Starting" />
      </main>
    );
  if (me === null) return <LoginPage onLogin={setMe} />;

  return (
    <SessionContext.Provider value={{ me, logout }}>
      <div className="layout">
        <header className="topbar">
          <button
            type="button"
            className="menu-button"
            aria-label="Menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen((o) => !o)}
          >
            ☰
          </button>
          <span className="brand">InsightCRM</span>
          <span className="who" data-testid="whoami">
            <span className="who-name">{me.name} · </span>
            <span className={`role role-${me.role}`} data-testid="role">
              {ROLE_LABEL[me.role]}
            </span>
          </span>
          <button type="button" onClick={logout}>
            Sign out
          </button>
        </header>
        <nav className={`sidenav ${menuOpen ? 'open' : ''}`} aria-label="Main">
          {NAV.map((n) => {
            const active = n.href === '/' ? path === '/' : path.startsWith(n.href);
            return (
              <Link
                key={n.href}
                href={n.href}
                className={active ? 'active' : ''}
                aria-current={active ? 'page' : undefined}
              >
                {n.label}
              </Link>
            );
          })}
        </nav>
        <main className="content">
          <Page path={path} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}

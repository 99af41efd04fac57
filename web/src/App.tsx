/**
 * The application shell: finds out who is logged in (GET /auth/me), shows the login page otherwise,
 * and routes between the pages. A 401 from any call returns to the login page.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Api } from './api/endpoints.ts';
import type { Me } from './api/types.ts';
import { Layout } from './components/Layout.tsx';
import { Muted } from './components/Notice.tsx';
import { AppContext, type AppState } from './lib/app-context.ts';
import { matchPath, navigate, useLocation } from './lib/router.ts';
import { AdminPage } from './pages/AdminPage.tsx';
import { AlertsPage } from './pages/AlertsPage.tsx';
import { DevicesPage } from './pages/DevicesPage.tsx';
import { ExplorePage } from './pages/ExplorePage.tsx';
import { FacilityPage } from './pages/FacilityPage.tsx';
import { FleetPage } from './pages/FleetPage.tsx';
import { ImportPage } from './pages/ImportPage.tsx';
import { JobsPage } from './pages/JobsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { ScoresPage } from './pages/ScoresPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { ZipPage } from './pages/ZipPage.tsx';

/** Props of {@link App}. */
export interface AppProps {
  api: Api;
  /** Fires when an API call answers 401. */
  unauthenticated: EventTarget;
}

/** The routed pages. */
function Routes() {
  const { path } = useLocation();
  const facility = matchPath('/facilities/:id', path);
  if (facility?.['id']) return <FacilityPage key={facility['id']} facilityId={facility['id']} />;
  switch (path) {
    case '/':
      return <FleetPage />;
    case '/zip':
      return <ZipPage />;
    case '/alerts':
      return <AlertsPage />;
    case '/explore':
      return <ExplorePage />;
    case '/scores':
      return <ScoresPage />;
    case '/jobs':
      return <JobsPage />;
    case '/import':
      return <ImportPage />;
    case '/devices':
      return <DevicesPage />;
    case '/admin':
      return <AdminPage />;
    case '/settings':
      return <SettingsPage />;
    default:
      return <Muted>There is no page at {path}.</Muted>;
  }
}

/** Root component. */
export function App({ api, unauthenticated }: AppProps) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const signedIn = useCallback(
    (m: Me | null) => {
      api.http.setCsrf(m?.csrfToken);
      setMe(m);
    },
    [api],
  );
  useEffect(() => {
    api.me().then(signedIn, () => signedIn(null));
    const on401 = () => signedIn(null);
    unauthenticated.addEventListener('401', on401);
    return () => unauthenticated.removeEventListener('401', on401);
  }, [api, unauthenticated, signedIn]);
  const logout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    signedIn(null);
    navigate('/login', true);
  }, [api, signedIn]);
  const state = useMemo<AppState | null>(() => (me ? { api, me, logout } : null), [api, me, logout]);

  if (me === undefined) return <Muted>Loading…</Muted>;
  if (!state)
    return (
      <LoginPage
        api={api}
        onLogin={(m) => {
          signedIn(m);
          if (window.location.pathname === '/login') navigate('/', true);
        }}
      />
    );
  return (
    <AppContext.Provider value={state}>
      <Layout>
        <Routes />
      </Layout>
    </AppContext.Provider>
  );
}

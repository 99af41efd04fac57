/**
 * The shell around every page: top bar with navigation, the caller, and logout. On a phone the
 * navigation folds behind a Menu button (a scrolled strip hid most pages past the screen edge).
 */
import { type ReactNode, useEffect, useState } from 'react';
import { useApp } from '../lib/app-context.ts';
import { navigate, useLocation } from '../lib/router.ts';
import { ThemeSwitch } from './ThemeSwitch.tsx';

const NAV = [
  { path: '/', label: 'Fleet' },
  { path: '/zip', label: 'Zip codes' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/explore', label: 'Explore' },
  { path: '/scores', label: 'Scores' },
  { path: '/jobs', label: 'Jobs' },
  { path: '/import', label: 'Import' },
  { path: '/devices', label: 'Devices' },
  { path: '/admin', label: 'Admin', role: 'admin' },
  { path: '/settings', label: 'Settings' },
] as const;

/** A link that navigates without reloading. */
export function Link({
  to,
  children,
  className,
  testId,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <a
      href={to}
      className={className}
      data-testid={testId}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** Page frame with the navigation bar. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, logout } = useApp();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  // Any navigation closes the phone menu.
  useEffect(() => setMenuOpen(false), [path]);
  const active = (p: string) =>
    p === '/' ? path === '/' || path.startsWith('/facilities') : path.startsWith(p);
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          <svg viewBox="0 0 16 16" width="20" height="20" aria-hidden="true">
            <path d="M9 1L3 9h4l-1 6 6-8H8z" fill="currentColor" />
          </svg>
          <span className="brand-name">Loadscope</span>
        </Link>
        <button
          className="ghost menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="main-nav" aria-label="main" className={menuOpen ? 'open' : ''}>
          {NAV.filter((n) => !('role' in n) || me.role === n.role).map((n) => (
            <Link key={n.path} to={n.path} className={active(n.path) ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
          {/* On a phone the top bar has no room for the theme chooser: it moves into the menu. */}
          <div className="narrow-only theme-in-menu">
            <ThemeSwitch testId="theme-switch-menu" />
          </div>
        </nav>
        <div className="who">
          <span className="wide-only">
            <ThemeSwitch />
          </span>
          <span title={`organisation ${me.orgId}`}>
            {me.user?.name || me.user?.email} · {me.role}
          </span>
          <button className="ghost" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}

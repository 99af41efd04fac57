/** Login: login name and password against POST /auth/login; the session lives in an httpOnly cookie. */
import { type FormEvent, useState } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Me } from '../api/types.ts';

/** The login form. */
export function LoginPage({ api, onLogin }: { api: Api; onLogin: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onLogin(await api.login(email.trim(), password));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)}>
        <div className="brand big">
          <svg viewBox="0 0 16 16" width="28" height="28" aria-hidden="true">
            <path d="M9 1L3 9h4l-1 6 6-8H8z" fill="currentColor" />
          </svg>
          Loadscope
        </div>
        <p className="muted">Smart-meter and IoT energy data, live.</p>
        <label>
          Login
          <input
            name="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error ? (
          <div className="notice error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

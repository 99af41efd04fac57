/**
 * A tiny history router: the path and query of the current URL as React state, and `navigate()`.
 * The API server answers index.html for unknown paths, so every route survives a reload.
 */
import { useMemo, useSyncExternalStore } from 'react';

const EVENT = 'loadscope:navigate';

function subscribe(cb: () => void): () => void {
  window.addEventListener('popstate', cb);
  window.addEventListener(EVENT, cb);
  return () => {
    window.removeEventListener('popstate', cb);
    window.removeEventListener(EVENT, cb);
  };
}

/** Goes to `to` (a path with optional query) without reloading; `replace` keeps history short. */
export function navigate(to: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

/** The current location, re-rendering on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  // One object per URL, so that effects depending on the query run once per navigation.
  return useMemo(() => {
    const url = new URL(href, 'http://x');
    return { path: url.pathname, query: url.searchParams };
  }, [href]);
}

/** Matches `/facilities/:id`-style patterns; returns the decoded parameters or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const s = path.replace(/\/+$/, '').split('/');
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const want = p[i] ?? '';
    const got = s[i] ?? '';
    if (want.startsWith(':')) params[want.slice(1)] = decodeURIComponent(got);
    else if (want !== got) return undefined;
  }
  return params;
}

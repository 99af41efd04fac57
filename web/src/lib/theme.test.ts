import { describe, expect, it } from 'vitest';
import {
  type DarkQuery,
  THEME_STORAGE_KEY,
  createThemeController,
  parsePreference,
  resolveTheme,
} from './theme.ts';

/** A media query the test flips, as the browser does when the operating system changes theme. */
function fakeQuery(matches: boolean) {
  const listeners = new Set<() => void>();
  const q = {
    matches,
    addEventListener: (_t: 'change', l: () => void) => listeners.add(l),
    removeEventListener: (_t: 'change', l: () => void) => listeners.delete(l),
    flip(m: boolean) {
      q.matches = m;
      for (const l of listeners) l();
    },
    listeners,
  };
  return q satisfies DarkQuery;
}

function fakeStorage(initial?: string) {
  const m = new Map<string, string>(initial ? [[THEME_STORAGE_KEY, initial]] : []);
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

const fakeRoot = () => ({ dataset: {} as DOMStringMap, style: { colorScheme: '' } });

describe('theme preference', () => {
  it('parses stored values, anything else is system', () => {
    expect(parsePreference('dark')).toBe('dark');
    expect(parsePreference('light')).toBe('light');
    expect(parsePreference('Dark')).toBe('system');
    expect(parsePreference(null)).toBe('system');
  });

  it('resolves system by the browser, manual choices win', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('theme controller', () => {
  it('follows the browser while on system and marks the document at once', () => {
    const query = fakeQuery(true);
    const root = fakeRoot();
    const c = createThemeController({ storage: fakeStorage(), query, root });
    expect(root.dataset['theme']).toBe('dark');
    expect(root.style.colorScheme).toBe('dark');
    const seen: string[] = [];
    c.subscribe((s) => seen.push(s.resolved));
    query.flip(false);
    expect(root.dataset['theme']).toBe('light');
    expect(seen).toEqual(['light']);
  });

  it('remembers a manual choice and ignores the browser until set back to system', () => {
    const query = fakeQuery(false);
    const storage = fakeStorage();
    const root = fakeRoot();
    const c = createThemeController({ storage, query, root });
    c.set('dark');
    expect(storage.m.get(THEME_STORAGE_KEY)).toBe('dark');
    query.flip(false);
    expect(root.dataset['theme']).toBe('dark');
    c.set('system');
    expect(c.state()).toEqual({ preference: 'system', resolved: 'light' });
    // A new page load starts from the stored choice.
    const again = createThemeController({ storage: fakeStorage('light'), query: fakeQuery(true), root });
    expect(again.state()).toEqual({ preference: 'light', resolved: 'light' });
  });

  it('works when storage throws (private windows) and stops listening on close', () => {
    const query = fakeQuery(true);
    const storage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const c = createThemeController({ storage, query, root: fakeRoot() });
    expect(c.state().preference).toBe('system');
    c.set('light');
    expect(c.state().resolved).toBe('light');
    c.close();
    expect(query.listeners.size).toBe(0);
  });
});

/**
 * Light and dark themes. The user picks "system" (follow the browser's prefers-color-scheme, the
 * default), "light" or "dark"; the choice is remembered in local storage. The resolved theme is
 * written to `<html data-theme>`, where styles.css swaps its colour variables, and announced to
 * subscribers so that canvas charts (which cannot read CSS variables while drawing) rebuild.
 */

/** What the user can choose. */
export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
/** One of {@link THEME_PREFERENCES}. */
export type ThemePreference = (typeof THEME_PREFERENCES)[number];
/** The theme actually shown. */
export type ResolvedTheme = 'light' | 'dark';

/** Local-storage key of the preference. */
export const THEME_STORAGE_KEY = 'loadscope.theme';
/** The media query that reports the browser's (operating system's) preference. */
export const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The slice of `Storage` the controller uses. */
export interface ThemeStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The slice of `MediaQueryList` the controller uses. */
export interface DarkQuery {
  readonly matches: boolean;
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

/** The state subscribers receive. */
export interface ThemeState {
  preference: ThemePreference;
  resolved: ResolvedTheme;
}

/** Keeps the theme: reads and stores the preference, follows the browser, marks the document. */
export interface ThemeController {
  /** The current preference and the theme it resolves to. */
  state(): ThemeState;
  /** Stores a new preference and applies it. */
  set(preference: ThemePreference): void;
  /** Calls `listener` on every change (preference or browser); returns the unsubscribe function. */
  subscribe(listener: (s: ThemeState) => void): () => void;
  /** Stops following the browser. */
  close(): void;
}

/** Parses a stored preference; anything unknown (or storage that throws) means "system". */
export function parsePreference(raw: string | null | undefined): ThemePreference {
  return THEME_PREFERENCES.find((p) => p === raw) ?? 'system';
}

/** The theme a preference shows when the browser does (or does not) prefer dark. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): ResolvedTheme {
  if (preference === 'system') return systemDark ? 'dark' : 'light';
  return preference;
}

/** Options of {@link createThemeController}; the browser's objects in the app, fakes in tests. */
export interface ThemeControllerOptions {
  storage: ThemeStorage | undefined;
  query: DarkQuery | undefined;
  /** Receives `data-theme` and the CSS `color-scheme` (form controls, scroll bars). */
  root: { dataset: DOMStringMap; style: { colorScheme: string } };
}

/** Builds the controller and applies the stored preference at once (before the first paint). */
export function createThemeController({ storage, query, root }: ThemeControllerOptions): ThemeController {
  let preference = parsePreference(safeGet(storage));
  const listeners = new Set<(s: ThemeState) => void>();
  const state = (): ThemeState => ({
    preference,
    resolved: resolveTheme(preference, query?.matches ?? false),
  });
  const apply = () => {
    const s = state();
    root.dataset['theme'] = s.resolved;
    root.style.colorScheme = s.resolved;
    for (const l of listeners) l(s);
  };
  query?.addEventListener('change', apply);
  apply();
  return {
    state,
    set(p) {
      preference = p;
      try {
        storage?.setItem(THEME_STORAGE_KEY, p);
      } catch {
        // Private windows may refuse storage: the choice then lasts for this page only.
      }
      apply();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => query?.removeEventListener('change', apply),
  };
}

function safeGet(storage: ThemeStorage | undefined): string | null {
  try {
    return storage?.getItem(THEME_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

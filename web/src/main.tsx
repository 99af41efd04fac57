/** Entry point: builds the API client and the theme, and mounts the application. */
import './no-eval.ts';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/endpoints.ts';
import { createHttp } from './api/http.ts';
import { App } from './App.tsx';
import { DARK_QUERY, createThemeController } from './lib/theme.ts';
import { ThemeContext } from './lib/theme-context.ts';
import './styles.css';

// Applied before the first render, so that a dark page never flashes light.
const theme = createThemeController({
  storage: (() => {
    try {
      return window.localStorage;
    } catch {
      return undefined;
    }
  })(),
  query: window.matchMedia?.(DARK_QUERY),
  root: document.documentElement,
});

const unauthenticated = new EventTarget();
const api = createApi(
  createHttp({ onUnauthenticated: () => unauthenticated.dispatchEvent(new Event('401')) }),
);
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <ThemeContext.Provider value={theme}>
      <App api={api} unauthenticated={unauthenticated} />
    </ThemeContext.Provider>,
  );

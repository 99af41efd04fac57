/** Entry point: builds the API client and mounts the application. */
import { createRoot } from 'react-dom/client';
import { createApi } from './api/endpoints.ts';
import { createHttp } from './api/http.ts';
import { App } from './App.tsx';
import './styles.css';

const unauthenticated = new EventTarget();
const api = createApi(
  createHttp({ onUnauthenticated: () => unauthenticated.dispatchEvent(new Event('401')) }),
);
const root = document.getElementById('root');
if (root) createRoot(root).render(<App api={api} unauthenticated={unauthenticated} />);

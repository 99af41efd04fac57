/** What every page receives from the shell: the API, the logged-in caller, and logout. */
import { createContext, useContext } from 'react';
import type { Api } from '../api/endpoints.ts';
import type { Me } from '../api/types.ts';

/** The shell's shared state. */
export interface AppState {
  api: Api;
  me: Me;
  logout: () => Promise<void>;
}

/** React context carrying {@link AppState}; provided by the shell once the caller is logged in. */
export const AppContext = createContext<AppState | null>(null);

/** The shell's state; pages are only rendered inside the provider. */
export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside AppContext');
  return s;
}

/** The theme chooser in the top bar: follow the system, or force light or dark (remembered). */
import { THEME_PREFERENCES, type ThemePreference, parsePreference } from '../lib/theme.ts';
import { useTheme } from '../lib/theme-context.ts';

export const THEME_LABEL: Record<ThemePreference, string> = {
  system: 'System theme',
  light: 'Light',
  dark: 'Dark',
};

/** A compact select; its value is the stored preference, not the resolved theme. */
export function ThemeSwitch({ testId = 'theme-switch' }: { testId?: string }) {
  const { preference, set } = useTheme();
  return (
    <select
      className="theme-switch"
      aria-label="Colour theme"
      data-testid={testId}
      value={preference}
      onChange={(e) => set(parsePreference(e.target.value))}
    >
      {THEME_PREFERENCES.map((p) => (
        <option key={p} value={p}>
          {THEME_LABEL[p]}
        </option>
      ))}
    </select>
  );
}

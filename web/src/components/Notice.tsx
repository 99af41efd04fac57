/** Inline status boxes: errors from the API (with its message) and loading / empty states. */
import type { ReactNode } from 'react';

/** Shows an error's message, or nothing. */
export function ErrorBox({ error, title }: { error: Error | undefined | null; title?: string }) {
  if (!error) return null;
  return (
    <div className="notice error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {error.message}
    </div>
  );
}

/** A muted message for loading and empty states. */
export function Muted({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}

/** A titled card. */
export function Card({
  title,
  children,
  actions,
  id,
}: {
  title: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  id?: string;
}) {
  return (
    <section className="card" id={id}>
      <div className="card-head">
        <h2>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** A key figure with an optional comparison line. */
export function Stat({
  label,
  value,
  sub,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub ? <div className="stat-sub">{sub}</div> : null}
    </div>
  );
}

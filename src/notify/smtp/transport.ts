/**
 * The SMTP adapter of the mail port, on nodemailer (the maintained standard for sending mail from
 * Node: SMTP, STARTTLS, authentication, MIME building). One pooled transport per process, so a burst of
 * alerts reuses connections instead of opening one per message.
 */
import nodemailer from 'nodemailer';
import { ExternalError } from '../../errors.ts';
import type { MailTransport } from '../mail.ts';

/** Options of {@link createSmtpTransport}. */
export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: string;
  /** The From header, e.g. `Loadscope <alerts@example.org>`. */
  from: string;
  /** Connection, greeting and socket time-outs in ms (default 10 s): a dead server must not hang sends. */
  timeoutMs?: number;
}

/** Creates the SMTP transport. */
export function createSmtpTransport(opts: SmtpOptions): MailTransport {
  const t = opts.timeoutMs ?? 10_000;
  const url = new URL(opts.url);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    pool: true,
    maxConnections: 2,
    connectionTimeout: t,
    greetingTimeout: t,
    socketTimeout: t,
  });
  const where = `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
  return {
    async send(m) {
      try {
        await transporter.sendMail({
          from: opts.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
        });
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new ExternalError('smtp', `${where} did not take the mail to ${m.to}: ${why}`, { cause });
      }
    },
    close: () => transporter.close(),
  };
}

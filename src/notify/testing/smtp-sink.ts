/**
 * A real SMTP server for tests (the `smtp-server` package on a free loopback port): it keeps every
 * message it accepts, decoded enough to read (headers unfolded, quoted-printable undone), and can be
 * told to refuse the next N recipients with a temporary error, as a busy server does.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message the sink accepted. */
export interface SunkMail {
  to: string[];
  subject: string;
  /** The whole message, decoded (text and HTML parts). */
  body: string;
}

/** The running sink. */
export interface SmtpSink {
  url: string;
  mails: SunkMail[];
  /** Refuse the next `n` recipients with 451 (try again later). */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

/** Decodes quoted-printable soft breaks and escapes (nodemailer's encoding of long lines). */
function decodeQp(s: string): string {
  return s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Starts the sink on 127.0.0.1. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  let refuse = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (refuse > 0) {
        refuse--;
        const err = Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 });
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^Subject: (.*)$/m.exec(headers)?.[1]?.trim() ?? '',
          body: decodeQp(raw),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext: (n) => void (refuse = n),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

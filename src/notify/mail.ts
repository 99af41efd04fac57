/**
 * The mail port: what the notifier needs from a mail system (send one message). The SMTP adapter in
 * `smtp/` implements it with nodemailer; the core never imports a mail library.
 */

/** One e-mail, with a plain-text body and an HTML alternative. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends e-mail. */
export interface MailTransport {
  /** Hands one message to the mail system; rejects when it is refused or cannot be reached. */
  send(message: MailMessage): Promise<void>;
  /** Releases connections. */
  close(): void;
}

/**
 * The e-mails: one alert, or a digest of several. Each names the facility and channel, gives the
 * message with its units (as the alert list shows it), the start time in UTC and in the facility's
 * time zone, and a link back to the alert in the web app; the footer says why the reader gets it and
 * where to change that.
 */
import type { Alert } from '../domain/types.ts';
import { isTimeZone, wallClock } from '../util/time/index.ts';
import type { MailMessage } from './mail.ts';

/** Names of what an alert is about, looked up by the notifier. */
export interface AlertNames {
  facility: string;
  channel: string;
  /** The facility's IANA time zone, for the local start time. */
  timeZone: string | null;
}

/** An alert with its names. */
export interface NamedAlert {
  alert: Alert;
  names: AlertNames;
}

/** Where the web app is, for links (no trailing slash). */
export interface MailLinks {
  publicUrl: string;
}

/** Alerts listed in one digest; the rest are counted. */
export const DIGEST_LIST_LIMIT = 100;

/** The link that opens an alert in the web app. */
export function alertLink(links: MailLinks, alert: Alert): string {
  return `${links.publicUrl}/alerts?alert=${encodeURIComponent(alert.id)}`;
}

/** The settings page, for the footer. */
export function settingsLink(links: MailLinks): string {
  return `${links.publicUrl}/settings`;
}

/** The e-mail for one alert. */
export function alertMail(to: string, a: NamedAlert, links: MailLinks): MailMessage {
  const { alert, names } = a;
  const sev = alert.severity.toUpperCase();
  const subject = `[Loadscope] ${sev}: ${alert.rule} at ${names.facility} (${names.channel})`;
  const link = alertLink(links, alert);
  const lines = [
    `${sev} alert: ${alert.message}`,
    '',
    `Rule:      ${alert.rule}`,
    `Facility:  ${names.facility}`,
    `Channel:   ${names.channel}`,
    `Started:   ${when(alert.ts, names.timeZone)}`,
    '',
    `Open it in Loadscope: ${link}`,
    '',
    footer(links),
  ];
  const html = page(
    `<p><strong>${esc(sev)}</strong> alert: ${esc(alert.message)}</p>
<table cellpadding="3">${row('Rule', alert.rule)}${row('Facility', names.facility)}${row('Channel', names.channel)}${row('Started', when(alert.ts, names.timeZone))}</table>
<p><a href="${esc(link)}">Open the alert in Loadscope</a></p>`,
    links,
  );
  return { to, subject, text: lines.join('\n'), html };
}

/** The digest e-mail for the alerts collected over `minutes`. */
export function digestMail(to: string, items: NamedAlert[], minutes: number, links: MailLinks): MailMessage {
  const critical = items.filter((i) => i.alert.severity === 'critical').length;
  const period = minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
  const subject =
    `[Loadscope] ${items.length} alert${items.length === 1 ? '' : 's'} in the last ${period}` +
    (critical ? ` (${critical} critical)` : '');
  const shown = items.slice(0, DIGEST_LIST_LIMIT);
  const more = items.length - shown.length;
  const text = [
    `${items.length} alert${items.length === 1 ? '' : 's'} in the last ${period}:`,
    '',
    ...shown.flatMap(({ alert, names }) => [
      `- ${alert.severity.toUpperCase()} ${when(alert.ts, names.timeZone)} · ${names.facility} (${names.channel}) · ${alert.rule}`,
      `  ${alert.message}`,
      `  ${alertLink(links, alert)}`,
    ]),
    ...(more > 0 ? ['', `… and ${more} more: ${links.publicUrl}/alerts`] : []),
    '',
    footer(links),
  ].join('\n');
  const html = page(
    `<p>${items.length} alert${items.length === 1 ? '' : 's'} in the last ${esc(period)}:</p>
<ul>${shown
      .map(
        ({ alert, names }) =>
          `<li><strong>${esc(alert.severity.toUpperCase())}</strong> ${esc(when(alert.ts, names.timeZone))} · ` +
          `${esc(names.facility)} (${esc(names.channel)}) · ${esc(alert.rule)}<br>${esc(alert.message)} ` +
          `<a href="${esc(alertLink(links, alert))}">open</a></li>`,
      )
      .join(
        '',
      )}</ul>${more > 0 ? `<p>… and <a href="${esc(links.publicUrl)}/alerts">${more} more</a></p>` : ''}`,
    links,
  );
  return { to, subject, text, html };
}

/** The test e-mail a user sends themselves from the settings page. */
export function testMail(to: string, links: MailLinks): MailMessage {
  const text = `This is a test from Loadscope: alert e-mails reach ${to}.\n\n${footer(links)}`;
  return {
    to,
    subject: '[Loadscope] Test: alert e-mails reach you',
    text,
    html: page(`<p>This is a test from Loadscope: alert e-mails reach ${esc(to)}.</p>`, links),
  };
}

/** `2026-12-03 07:14 UTC (08:14 Europe/Amsterdam)`. */
export function when(ts: number, timeZone: string | null): string {
  const utc = `${new Date(ts).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (!timeZone || timeZone === 'UTC') return utc;
  if (!isTimeZone(timeZone)) return utc;
  const local = wallClock(timeZone).time(ts).slice(0, 5);
  return `${utc} (${local} ${timeZone})`;
}

function footer(links: MailLinks): string {
  return `You receive this because of your alert e-mail settings: ${settingsLink(links)}`;
}

function row(k: string, v: string): string {
  return `<tr><td style="color:#5d6b7a">${esc(k)}</td><td>${esc(v)}</td></tr>`;
}

function page(body: string, links: MailLinks): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1c2733">${body}
<p style="color:#5d6b7a;font-size:12px">You receive this because of your
<a href="${esc(settingsLink(links))}">alert e-mail settings</a>.</p></body></html>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

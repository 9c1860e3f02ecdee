// Which of a version's screenshots the listing preview loads at once, and which wait until the partner asks.
//
// Loading a screenshot is a request to its host: that host learns the partner's address and that this version was
// just opened, and anyone who can edit the version (or a server that sends it) can put any host there. So the preview
// loads at once only what comes from the partner's own domains, and shows any other screenshot as a placeholder naming
// its host, with a button that loads every screenshot of that host; the choice lasts while the version stays open.
//
// The rule, pure and without a DOM:
// - The version's own domains are the hosts of its own declared addresses: the technical URLs (redirect, event
//   subscription, launch), the marketplace URLs (privacy policy, terms of service, app source), the support page, and
//   the domain of the support email. A leading `www.` is dropped, so `https://www.acme.example/privacy` makes
//   `acme.example` own. The description's links are not declarations of the partner's own and do not count.
// - A screenshot's host is own when it is one of those domains or a subdomain of one: with `acme.example` own,
//   `cdn.acme.example` loads at once; `acme.example.evil.example` and `notacme.example` do not.
// - Only public names count, on either side: an IP address, `localhost`, a `.localhost` name or a name without a dot
//   is never own, so no declared address can make the preview send requests to this machine or the local network
//   without a click.
// The webview's CSP still applies to whatever loads (`img-src 'self' data: https:`): asking cannot widen it.

import type { VersionForm } from '../../ipc';
import { allowedHref } from './markdown';

/** A screenshot as the listing shows it. */
export type ScreenshotLoad =
  /** Not an http(s) address: never loaded, its description shown instead. */
  | { kind: 'not-web' }
  /** Loaded now: from an own domain, or from a host the partner chose to load. */
  | { kind: 'load'; src: string; host: string }
  /** Held back until the partner asks to load screenshots from `host`. */
  | { kind: 'ask'; src: string; host: string };

/** The host of an http(s) address, lower-cased and in its ASCII (punycode) form; null for anything else. */
export function webHost(url: string): string | null {
  const href = allowedHref(url);
  if (href === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return parsed.hostname === '' ? null : parsed.hostname.toLowerCase();
}

/** Whether `host` is a public name: dotted, not an IP address, not `localhost` or under it. */
function publicName(host: string): boolean {
  if (host.startsWith('[') || /^[\d.]+$/.test(host)) return false; // IPv6 or IPv4 literal (the URL parser's forms)
  if (host === 'localhost' || host.endsWith('.localhost')) return false;
  const labels = host.replace(/\.$/, '').split('.');
  return labels.length >= 2 && labels.every((label) => label !== '');
}

/** `host` as an own domain: without a trailing dot and a leading `www.`; null when it is no public name. */
function ownDomain(host: string | null): string | null {
  if (host === null || !publicName(host)) return null;
  const bare = host.replace(/\.$/, '');
  const domain = bare.startsWith('www.') ? bare.slice(4) : bare;
  return publicName(domain) ? domain : null;
}

/** The domain of a mail address, as a host: normalized by the URL parser, so `Acme.EXAMPLE` is `acme.example`. */
function mailDomain(email: string): string | null {
  const at = email.trim().lastIndexOf('@');
  if (at < 1) return null;
  const domain = email.trim().slice(at + 1);
  if (domain === '' || /[\s/?#@:[\]\\]/.test(domain)) return null;
  return webHost(`https://${domain}/`);
}

/** The version's own domains (see the rule above), sorted, each once, none under another. */
export function ownDomains(form: VersionForm): string[] {
  const hosts = [
    ...form.technical.urls.map((u) => webHost(u.url)),
    ...form.marketplace.urls.map((u) => webHost(u.url)),
    webHost(form.marketplace.support.url),
    mailDomain(form.marketplace.support.email),
  ];
  const domains = new Set<string>();
  for (const host of hosts) {
    const domain = ownDomain(host);
    if (domain !== null) domains.add(domain);
  }
  // A domain under another own domain adds nothing: `help.acme.example` goes when `acme.example` is there.
  const all = [...domains];
  return all.filter((domain) => !all.some((other) => domain.endsWith(`.${other}`))).sort();
}

/** Whether a screenshot from `host` is from one of `domains` or a subdomain of one. */
export function isOwnHost(host: string, domains: readonly string[]): boolean {
  if (!publicName(host)) return false;
  const name = host.replace(/\.$/, '');
  return domains.some((domain) => name === domain || name.endsWith(`.${domain}`));
}

/**
 * How the listing shows a screenshot at `url`: loaded when its host is own (`domains`) or one the partner chose to
 * load (`chosen`), else held back for the partner to ask.
 */
export function screenshotLoad(url: string, domains: readonly string[], chosen: ReadonlySet<string>): ScreenshotLoad {
  const host = webHost(url);
  const src = allowedHref(url);
  if (host === null || src === null) return { kind: 'not-web' };
  return isOwnHost(host, domains) || chosen.has(host) ? { kind: 'load', src, host } : { kind: 'ask', src, host };
}

/** The one sentence the listing shows above its screenshots, naming the version's own domains. */
export function screenshotRule(domains: readonly string[]): string {
  const own =
    domains.length === 0
      ? 'this version declares no links or support email yet'
      : domains.length === 1
        ? domains[0]!
        : `${domains.slice(0, -1).join(', ')} and ${domains[domains.length - 1]}`;
  return (
    `Screenshots load at once only from the domains of this version's own links and support email (${own}); ` +
    'from any other host they wait until you choose to load them, so that site does not learn you opened this version.'
  );
}

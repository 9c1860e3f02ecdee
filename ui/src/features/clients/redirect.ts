// The window's own check of a redirect URI, the same rule the contract applies (partner-api's
// `check_redirect_uri`): an absolute https URI, or http on a loopback host (localhost, 127.0.0.0/8,
// [::1]), with a host, no user information and no fragment. The server checks again.

/** Why `uri` cannot be a redirect URI, or null when it can. */
export function redirectUriProblem(uri: string): string | null {
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(uri)) return 'must not contain spaces or control characters';
  const match = /^(https?):\/\/([^/?#]*)/i.exec(uri);
  if (!match) return 'must be an absolute https:// URI (or http:// on a loopback host)';
  if (uri.includes('#')) return 'must not have a fragment (#...)';
  const scheme = (match[1] ?? '').toLowerCase();
  const authority = match[2] ?? '';
  if (authority.includes('@')) return 'must not carry user information (user@host)';
  let host: string;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    if (end < 0) return 'has a malformed IPv6 host';
    host = authority.slice(1, end);
  } else {
    host = authority.split(':')[0] ?? '';
  }
  if (host === '') return 'must name a host';
  if (scheme === 'http' && !isLoopback(host)) {
    return 'uses http off loopback: use https, or http only on localhost, 127.0.0.1 or [::1]';
  }
  return null;
}

function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost' || host === '::1') return true;
  const parts = host.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The redirect URIs typed one a line: trimmed, blank lines dropped. */
export function redirectLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

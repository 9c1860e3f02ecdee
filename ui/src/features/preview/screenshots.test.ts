// The screenshot rule of the listing preview (screenshots.ts), then the listing itself: a screenshot from the
// partner's own domain loads at once; one from any other host is a placeholder naming the host, with no <img> for it
// in the document, until the partner clicks "Load screenshots from HOST".
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEMO_VERSIONS } from '../../ipc/demo-data';
import type { VersionForm } from '../../ipc';
import ListingPreview from './ListingPreview.svelte';
import { isOwnHost, ownDomains, screenshotLoad, screenshotRule, webHost } from './screenshots';

const form = (): VersionForm => JSON.parse(JSON.stringify(DEMO_VERSIONS['ver-acme-210']!.content)) as VersionForm;

/** A form whose only declared address is `support`; no technical or marketplace URLs. */
function withSupport(url: string, email = ''): VersionForm {
  const f = form();
  f.technical.urls = [];
  f.marketplace.urls = [];
  f.marketplace.support = { url, email, phone: '' };
  return f;
}

describe('the own domains of a version', () => {
  it('are the hosts of its declared URLs and the support email, without www., each once, none under another', () => {
    expect(ownDomains(form())).toEqual(['acme-corp.example']);
    const f = withSupport('https://App.Globex.example/help', 'help@Mail.Globex.EXAMPLE');
    f.technical.urls = [{ type: 'launch_url', url: 'https://app.globex.example/launch' }];
    f.marketplace.urls = [{ type: 'app_source', url: 'https://code.example/globex' }];
    expect(ownDomains(f)).toEqual(['app.globex.example', 'code.example', 'mail.globex.example']);
    // With the bare domain declared too, its subdomains add nothing.
    f.marketplace.urls.push({ type: 'privacy_policy', url: 'https://www.globex.example/privacy' });
    expect(ownDomains(f)).toEqual(['code.example', 'globex.example']);
  });

  it('leave out the description, addresses that are not http(s), and names that are not public', () => {
    const f = withSupport('javascript:alert(1)', 'not-an-email');
    f.marketplace.description = '[ours](https://docs.acme-corp.example/)';
    f.technical.urls = [
      { type: 'redirect_uri', url: 'http://localhost:3000/callback' },
      { type: 'redirect_uri', url: 'http://127.0.0.1:8080/cb' },
      { type: 'redirect_uri', url: 'http://[::1]/cb' },
      { type: 'redirect_uri', url: 'https://intranet/cb' },
      { type: 'redirect_uri', url: 'https://dev.localhost/cb' },
      { type: 'redirect_uri', url: 'ftp://files.acme.example/' },
    ];
    f.marketplace.urls = [{ type: 'privacy_policy', url: 'https://www.example/' }];
    expect(ownDomains(f)).toEqual([]);
  });
});

describe('a screenshot host', () => {
  const domains = ['acme-corp.example', 'help.acme-corp.example'];

  it('is own when it is an own domain or under one', () => {
    expect(isOwnHost('acme-corp.example', domains)).toBe(true);
    expect(isOwnHost('cdn.acme-corp.example', domains)).toBe(true);
    expect(isOwnHost('img.cdn.acme-corp.example', domains)).toBe(true);
    expect(isOwnHost('acme-corp.example.', domains)).toBe(true);
  });

  it('is foreign otherwise: look-alikes, parents, IP addresses and localhost included', () => {
    for (const host of ['notacme-corp.example', 'acme-corp.example.evil.example', 'example', 'evil.example', '127.0.0.1', '[::1]', 'localhost']) {
      expect(isOwnHost(host, domains), host).toBe(false);
    }
    expect(isOwnHost('localhost', ['localhost'])).toBe(false);
  });

  it('is read from http(s) addresses only, lower-cased and in ASCII', () => {
    expect(webHost('https://CDN.Acme-Corp.example:8443/a.png')).toBe('cdn.acme-corp.example');
    expect(webHost('https://bücher.example/a.png')).toBe('xn--bcher-kva.example');
    expect(webHost('javascript:alert(1)')).toBeNull();
    expect(webHost('data:image/png;base64,AAAA')).toBeNull();
    expect(webHost(' https://a.example/x y.png')).toBeNull();
  });
});

describe('how a screenshot shows', () => {
  const domains = ['acme-corp.example'];

  it('loads from an own domain, waits for any other host until it is chosen, and never loads a non-web address', () => {
    expect(screenshotLoad('https://cdn.acme-corp.example/1.png', domains, new Set())).toEqual({
      kind: 'load',
      src: 'https://cdn.acme-corp.example/1.png',
      host: 'cdn.acme-corp.example',
    });
    expect(screenshotLoad('https://tracker.example/1.png', domains, new Set())).toEqual({
      kind: 'ask',
      src: 'https://tracker.example/1.png',
      host: 'tracker.example',
    });
    expect(screenshotLoad('https://tracker.example/1.png', domains, new Set(['tracker.example'])).kind).toBe('load');
    expect(screenshotLoad('javascript:alert(1)', domains, new Set(['alert(1)'])).kind).toBe('not-web');
  });

  it('is explained in one sentence naming the own domains', () => {
    const rule = screenshotRule(['a.example', 'b.example', 'c.example']);
    expect(rule).toContain('(a.example, b.example and c.example)');
    expect(rule.match(/\. /g)).toBeNull();
    expect(screenshotRule([])).toContain('this version declares no links or support email yet');
  });
});

describe('the listing', () => {
  const OWN = 'https://cdn.acme-corp.example/shot-1.png';
  const FOREIGN = 'https://tracker.example/pixel.png';

  function listing(chosen: Set<string> = new Set()) {
    const f = form();
    f.marketplace.assets = [
      { type: 'screenshot', description: 'Own', url: OWN },
      { type: 'screenshot', description: 'Foreign', url: FOREIGN },
      { type: 'screenshot', description: 'Foreign too', url: 'https://tracker.example/second.png' },
    ];
    const asked: string[] = [];
    let loadHosts: ReadonlySet<string> = chosen;
    const props = {
      form: f,
      vendor: 'Acme Corp',
      iconSrc: null,
      onLink: () => {},
      loadHosts,
      onLoadHost: (host: string) => {
        asked.push(host);
        loadHosts = new Set([...loadHosts, host]);
        void view.rerender({ loadHosts });
      },
    };
    const view = render(ListingPreview, { props });
    return { asked };
  }

  const imageSources = () =>
    [...screen.getByTestId('listing-screenshots').querySelectorAll('img')].map((img) => img.getAttribute('src'));

  it('loads a screenshot from the own domain at once and holds the foreign one until the partner asks', async () => {
    const { asked } = listing();
    expect(imageSources()).toEqual([OWN]);
    expect(document.querySelector(`img[src="${FOREIGN}"]`)).toBeNull();
    const held = screen.getAllByTestId('screenshot-held');
    expect(held.map((h) => h.dataset.host)).toEqual(['tracker.example', 'tracker.example']);
    expect(held[0]!.textContent).toContain('Foreign');
    expect(held[0]!.textContent).toContain('from tracker.example');
    expect(screen.getByTestId('screenshot-rule').textContent).toMatch(
      /^Screenshots load at once only from the domains of this version's own links and support email \(acme-corp\.example\); /,
    );

    await userEvent.click(within(held[0]!).getByRole('button', { name: 'Load screenshots from tracker.example' }));
    expect(asked).toEqual(['tracker.example']);
    // Every screenshot of the chosen host loads, in place.
    expect(imageSources()).toEqual([OWN, FOREIGN, 'https://tracker.example/second.png']);
    expect(screen.queryByTestId('screenshot-held')).toBeNull();
  });

  it('loads a host chosen earlier for this version without asking again', () => {
    listing(new Set(['tracker.example']));
    expect(imageSources()).toEqual([OWN, FOREIGN, 'https://tracker.example/second.png']);
  });
});

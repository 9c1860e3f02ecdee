// The fake backend's preview methods, which the browser demo, Vitest and the Playwright suite rely on.
import { describe, expect, it } from 'vitest';
import { DEMO_APPS, DEMO_LIVE, DEMO_VERSIONS } from './demo-data';
import { createDemoBackend, createFakeBackend } from './fake';
import { HOSTILE_DESCRIPTION, PREVIEW_VERSION_ID } from './demo-preview';

describe('the fake backend for the preview', () => {
  it('answers the vendor, the live copy (its own server copy by default) and whether the icon changed', async () => {
    const backend = createFakeBackend({ apps: DEMO_APPS, versions: DEMO_VERSIONS, iconChanged: ['ver-nw-110'] });
    const acme = await backend.previewSource('ver-acme-210');
    expect(acme.vendor).toBe('Acme Corp');
    expect(acme.live).toEqual(DEMO_VERSIONS['ver-acme-210']!.content);
    expect(acme.icon_changed).toBe(false);
    expect((await backend.previewSource('ver-nw-110')).icon_changed).toBe(true);
    await expect(backend.previewSource('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('takes a given live copy, or none when the server never had the version', async () => {
    const backend = createFakeBackend({ apps: DEMO_APPS, versions: DEMO_VERSIONS, live: DEMO_LIVE });
    expect((await backend.previewSource('ver-acme-210')).live?.marketplace.listing_summary).not.toBe(
      DEMO_VERSIONS['ver-acme-210']!.content.marketplace.listing_summary,
    );
    expect((await backend.previewSource('ver-globex-010')).live).toBeNull();
  });

  it("opens only http(s) and mailto URLs found in the version's content", async () => {
    const backend = createFakeBackend({ apps: DEMO_APPS, versions: DEMO_VERSIONS });
    await backend.openListingLink('ver-acme-210', 'https://help.acme-corp.example');
    await backend.openListingLink('ver-acme-210', 'mailto:support@acme-corp.example');
    await expect(backend.openListingLink('ver-acme-210', 'https://evil.example/')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(backend.openListingLink('ver-acme-210', 'javascript:alert(1)')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(backend.calls.openListingLink).toHaveLength(4);
  });

  it('serves the preview fixture sets by name, the hostile one with its payloads', async () => {
    const plain = createDemoBackend('?demo=preview');
    const hostile = createDemoBackend('?demo=preview-hostile');
    expect((await plain.listApps()).apps.map((a) => a.id)).toEqual(['app-preview']);
    expect((await hostile.openVersion(PREVIEW_VERSION_ID)).content.marketplace.description).toBe(HOSTILE_DESCRIPTION);
    await hostile.openListingLink(PREVIEW_VERSION_ID, 'https://docs.acme-corp.example/start');
    expect((window as unknown as { __pwbDemoCalls: { openListingLink: unknown[] } }).__pwbDemoCalls.openListingLink).toHaveLength(1);
  });
});

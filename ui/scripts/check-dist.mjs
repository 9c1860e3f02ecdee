// Runs after `vite build`: the webview's CSP (default-src 'self'; img-src 'self' data:; style-src 'self';
// script-src 'self') would silently break anything inline or remote, so the build fails on it instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const problems = [];

const html = readFileSync(join(dist, 'index.html'), 'utf8');
if (/<style[\s>]/i.test(html)) problems.push('index.html has an inline <style> element');
for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
  if (!/\ssrc=/i.test(tag)) problems.push(`index.html has an inline script: ${tag}`);
}
if (/\sstyle\s*=/i.test(html)) problems.push('index.html has a style="" attribute');
if (/\son[a-z]+\s*=/i.test(html)) problems.push('index.html has an inline event handler attribute');
for (const [, url] of html.matchAll(/\s(?:src|href)="([^"]*)"/gi)) {
  if (!url?.startsWith('./')) problems.push(`index.html loads ${url}; assets must be relative to the page`);
}

const assets = join(dist, 'assets');
for (const name of readdirSync(assets)) {
  const text = readFileSync(join(assets, name), 'utf8');
  if (name.endsWith('.js') && /\sstyle=\\?["']/.test(text)) problems.push(`${name} renders a style="" attribute`);
  if (name.endsWith('.css') && /url\(\s*['"]?(https?:)?\/\//i.test(text)) problems.push(`${name} loads a remote URL`);
  if (name.endsWith('.css') && /@import/i.test(text)) problems.push(`${name} uses @import`);
}

if (problems.length > 0) {
  console.error(`dist/ would break under the CSP:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('dist/ is CSP-clean: no inline scripts, styles or remote loads.');

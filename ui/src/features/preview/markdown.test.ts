// The description's Markdown subset, and hostile input: only allowed elements and attributes, whatever the text.
import { describe, expect, it } from 'vitest';
import cases from '../../../../tests/fixtures/preview/cases.json';
import { ALLOWED_ATTRIBUTES, ALLOWED_ELEMENTS, allowedHref, descriptionLinks, patchBlocks, renderMarkdown } from './markdown';

function html(text: string): string {
  const div = document.createElement('div');
  div.appendChild(renderMarkdown(text));
  return div.innerHTML;
}

function rendered(text: string): HTMLDivElement {
  const div = document.createElement('div');
  div.appendChild(renderMarkdown(text));
  return div;
}

/** Every element and attribute under `root` is on the allowlists; returns what is not. */
function offenders(root: Element): string[] {
  const bad: string[] = [];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.localName;
    if (!ALLOWED_ELEMENTS.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') bad.push(`<${tag}>`);
    for (const attr of el.attributes) {
      if (!(ALLOWED_ATTRIBUTES[tag] ?? []).includes(attr.name)) bad.push(`<${tag} ${attr.name}>`);
    }
    if (tag === 'a') {
      const href = el.getAttribute('href') ?? '';
      if (!/^(https?|mailto):/i.test(href)) bad.push(`<a href=${href}>`);
      if (el.getAttribute('rel') !== 'noopener noreferrer') bad.push('<a> without rel');
    }
  }
  return bad;
}

describe('the shared Markdown cases (tests/fixtures/preview/cases.json, for the exported page too)', () => {
  const elementsOf = (root: Element) => [...new Set([...root.querySelectorAll('*')].map((el) => el.localName))].sort();
  const hrefsOf = (root: Element) => [...root.querySelectorAll('a')].map((a) => a.getAttribute('href'));

  it('cover every element of the subset and each hostile construct', () => {
    expect(new Set(cases.markdown.flatMap((c) => c.elements))).toEqual(ALLOWED_ELEMENTS);
    const inputs = cases.markdown.map((c) => c.input.toLowerCase());
    for (const hostile of ['<script', 'onerror', 'javascript:', 'data:', 'vbscript:', '<a href', '![', '<style', 'style=', '<svg', '<iframe']) {
      expect(inputs.some((input) => input.includes(hostile)), hostile).toBe(true);
    }
  });

  it.each(cases.markdown.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const root = rendered(c.input);
    expect(elementsOf(root)).toEqual(c.elements);
    expect(hrefsOf(root)).toEqual(c.hrefs);
    // What a click may ask to open is exactly the links drawn.
    expect(descriptionLinks(c.input)).toEqual(c.hrefs);
    expect(offenders(root)).toEqual([]);
  });
});

describe('the Markdown subset', () => {
  it('renders paragraphs and hard line breaks', () => {
    expect(html('One\ntwo  \nthree\n\nFour')).toBe('<p>One\ntwo<br>three</p><p>Four</p>');
    expect(html('back\\\nslash')).toBe('<p>back<br>slash</p>');
  });

  it('renders headings of every level', () => {
    expect(html('# A\n## B\n### C\n#### D\n##### E\n###### F')).toBe(
      '<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h5>E</h5><h6>F</h6>',
    );
    expect(html('Setext\n===')).toBe('<h1>Setext</h1>');
  });

  it('renders emphasis, strong and inline code', () => {
    expect(html('*a* _b_ **c** __d__ `e <f>`')).toBe('<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <code>e &lt;f&gt;</code></p>');
  });

  it('renders fenced and indented code blocks as text, dropping the info string', () => {
    expect(html('```js onload=alert(1)\nlet a = "<b>";\n```')).toBe('<pre><code>let a = "&lt;b&gt;";\n</code></pre>');
    expect(html('    indented\n')).toBe('<pre><code>indented\n</code></pre>');
  });

  it('renders bullet and numbered lists, tight and loose, with a start number', () => {
    expect(html('- a\n- b')).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(html('1. a\n2. b')).toBe('<ol><li>a</li><li>b</li></ol>');
    expect(html('3. a\n4. b')).toBe('<ol start="3"><li>a</li><li>b</li></ol>');
    expect(html('- a\n\n- b')).toBe('<ul><li><p>a</p></li><li><p>b</p></li></ul>');
    expect(html('- a\n  - nested')).toBe('<ul><li>a<ul><li>nested</li></ul></li></ul>');
  });

  it('renders block quotes and horizontal rules', () => {
    expect(html('> quoted\n> **text**')).toBe('<blockquote><p>quoted\n<strong>text</strong></p></blockquote>');
    expect(html('a\n\n---\n\nb')).toBe('<p>a</p><hr><p>b</p>');
  });

  it('renders https, http and mailto links with rel="noopener noreferrer"', () => {
    expect(html('[Docs](https://acme.example/docs) [Old](http://acme.example) [Mail](mailto:help@acme.example)')).toBe(
      '<p><a href="https://acme.example/docs" rel="noopener noreferrer">Docs</a> ' +
        '<a href="http://acme.example" rel="noopener noreferrer">Old</a> ' +
        '<a href="mailto:help@acme.example" rel="noopener noreferrer">Mail</a></p>',
    );
    expect(html('<https://acme.example/auto>')).toBe('<p><a href="https://acme.example/auto" rel="noopener noreferrer">https://acme.example/auto</a></p>');
    expect(html('[**bold** link](https://a.example "title")')).toBe(
      '<p><a href="https://a.example" rel="noopener noreferrer"><strong>bold</strong> link</a></p>',
    );
  });

  it('keeps a link as typed, so a click opens what the partner wrote', () => {
    expect(descriptionLinks('[a](https://a.example/ü?x=1) and [b](javascript:alert(1)) [c](mailto:x@y.example)')).toEqual([
      'https://a.example/ü?x=1',
      'mailto:x@y.example',
    ]);
  });

  it('renders any other link as its text alone', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd', '/relative', 'relative.html', '#fragment', 'ftp://a.example', 'tel:123', '//evil.example/x']) {
      expect(html(`[click](${url.replace(/[()]/g, '')})`), url).toBe('<p>click</p>');
    }
    expect(html('[click](<java\nscript:alert(1)>)')).not.toContain('<a');
    expect(html('[click](java&#x09;script:alert(1))')).toBe('<p>click</p>');
  });

  it('shows images as their alt text and never loads them', () => {
    const div = rendered('Look: ![the *dashboard*](https://evil.example/x.png) ![](https://evil.example/y.png)');
    expect(div.querySelector('img')).toBeNull();
    expect(div.innerHTML).toBe('<p>Look: the dashboard </p>');
  });

  it('leaves tables and strikethrough as text (not in the subset)', () => {
    expect(html('| a | b |\n| - | - |\n| 1 | 2 |')).not.toContain('<table');
    expect(html('~~gone~~')).toBe('<p>~~gone~~</p>');
  });

  it('renders an empty description as nothing', () => {
    expect(html('')).toBe('');
    expect(html('   \n\n ')).toBe('');
  });
});

describe('hostile descriptions', () => {
  const HOSTILE = [
    '<script>window.__pwned = 1; alert(1)</script>',
    '<img src=x onerror="window.__pwned=1">',
    '<img src="https://evil.example/track.png">',
    '<svg onload="window.__pwned=1"><script>alert(1)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<style>body { background: url(https://evil.example/bg.png) }</style>',
    '<p style="background:url(https://evil.example/p.png)" class="x" id="main">styled</p>',
    '<a href="javascript:alert(1)">raw link</a>',
    '<object data="https://evil.example/x.swf"></object><embed src="x"><link rel=stylesheet href=https://evil.example/x.css>',
    '<form action="https://evil.example"><input name=a><button>go</button></form>',
    '<details open ontoggle="window.__pwned=1">x</details>',
    '<base href="https://evil.example/">',
    '[x](javascript:alert(1)) [y](vbscript:alert(1)) [z](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x]( javascript:alert(1) ) [y](JAVASCRIPT%3Aalert(1)) [z](&#106;avascript:alert(1))',
    '![x" onerror="alert(1)](https://evil.example/x.png)',
    '[a](https://ok.example" onclick="alert(1))',
    '[ref]\n\n[ref]: javascript:alert(1)',
    '```html\n<script>alert(1)</script>\n```',
    '<!-- comment --><![CDATA[ x ]]><?php echo 1; ?>',
    '# <b onmouseover=alert(1)>heading</b>',
    '> <img src=x onerror=alert(1)>',
    '- <span style="position:fixed;inset:0">overlay</span>',
    '\u0000<script>alert(1)</script>\u202e',
    `${'['.repeat(500)}x${']'.repeat(500)}`,
    `${'> '.repeat(300)}deep`,
    `${'*'.repeat(2000)}`,
  ];

  it.each(HOSTILE.map((text, i) => [i, text] as const))('payload %i creates only allowed elements and attributes', (_i, text) => {
    const div = rendered(text);
    expect(offenders(div)).toEqual([]);
  });

  it('shows raw HTML as its text', () => {
    const div = rendered('<script>alert(1)</script> and <b>bold</b>');
    expect(div.querySelector('script, b')).toBeNull();
    expect(div.textContent).toBe('<script>alert(1)</script> and <b>bold</b>');
  });

  it('does not run anything while rendering', () => {
    const globals = globalThis as { __pwned?: number };
    delete globals.__pwned;
    for (const text of HOSTILE) {
      const div = rendered(text);
      document.body.appendChild(div);
      div.remove();
    }
    expect(globals.__pwned).toBeUndefined();
  });

  it('refuses URLs with control characters or junk before the scheme', () => {
    expect(allowedHref('https://ok.example/a b')).toBeNull();
    expect(allowedHref('\thttps://ok.example')).toBe('https://ok.example');
    expect(allowedHref('java\tscript:alert(1)')).toBeNull();
    expect(allowedHref('https://ok.example/\u0000')).toBeNull();
    expect(allowedHref('mailto:a@b.example')).toBe('mailto:a@b.example');
  });
});

describe('patching the rendered blocks', () => {
  it('keeps the unchanged blocks and replaces only those that differ', () => {
    const div = rendered('# Title\n\nFirst\n\nSecond\n\nThird');
    const [h1, first, second, third] = Array.from(div.children);
    patchBlocks(div, renderMarkdown('# Title\n\nFirst\n\nSecond, edited\n\nThird'));
    expect(div.innerHTML).toBe('<h1>Title</h1><p>First</p><p>Second, edited</p><p>Third</p>');
    expect(div.children[0]).toBe(h1);
    expect(div.children[1]).toBe(first);
    expect(div.children[2]).not.toBe(second);
    expect(div.children[3]).toBe(third);
  });

  it('handles blocks added and removed anywhere, ending equal to a fresh render', () => {
    const texts = ['a\n\nb\n\nc', 'a\n\nc', 'x\n\na\n\nc\n\ny', '', '- one\n- two', '- one\n- two\n- three', 'a\n\na\n\na', 'a'];
    const div = document.createElement('div');
    for (const text of texts) {
      patchBlocks(div, renderMarkdown(text));
      expect(div.innerHTML, text).toBe(html(text));
    }
  });
});

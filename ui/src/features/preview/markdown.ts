// The listing description's Markdown subset, turned into DOM nodes. markdown-it (with `html: false`) parses it; the
// nodes are built here from its token stream with createElement / createTextNode, never from an HTML string, so
// partner text is inert by construction: only the elements of ALLOWED_ELEMENTS are ever created, the only attribute
// taken from the text is a link's `href` (https, http or mailto; anything else renders as the link's text alone),
// raw HTML stays text, and images show their alt text instead of loading.
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

/** Every element the renderer can create. */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  'p',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'em',
  'strong',
  'code',
  'pre',
  'ul',
  'ol',
  'li',
  'blockquote',
  'hr',
  'a',
]);

/** Every attribute the renderer can set, per element; no other element gets any. */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'rel'],
  ol: ['start'],
};

/** The link schemes kept; a link to anything else is shown as its text. */
const LINK_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);

const md = new MarkdownIt('commonmark', { html: false, linkify: false, typographer: false, breaks: false });
// The CommonMark preset has no tables or strikethrough; raw HTML is off (and its rules disabled) so it stays text.
md.disable(['html_block', 'html_inline'], true);
// Every link destination reaches the renderer, which decides; rejecting one here would print its Markdown source.
md.validateLink = () => true;
// Keep the URL as written (only trimmed), so what a click asks the backend to open is what the partner typed.
md.normalizeLink = (url: string) => url.trim();

/** The href a link keeps: an absolute https, http or mailto URL, else null (the link renders as its text). */
export function allowedHref(url: string): string | null {
  const text = url.trim();
  // Control characters and whitespace inside a URL are how scheme filters get tricked; none belong in a link.
  // eslint-disable-next-line no-control-regex
  if (text === '' || /[\u0000-\u001f\u007f\s]/.test(text)) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  if (!LINK_PROTOCOLS.has(parsed.protocol)) return null;
  // The scheme as written must be the one parsed (no leading junk the parser forgave).
  if (!text.toLowerCase().startsWith(parsed.protocol)) return null;
  return text;
}

function parse(text: string): Token[] {
  return md.parse(text, {});
}

/** The text of an image's alt (its inline children), with no markup. */
function plainText(tokens: readonly Token[] | null): string {
  let out = '';
  for (const token of tokens ?? []) {
    if (token.children) out += plainText(token.children);
    else if (token.type === 'softbreak' || token.type === 'hardbreak') out += ' ';
    else out += token.content;
  }
  return out;
}

function element(doc: Document, tag: string): HTMLElement {
  if (!ALLOWED_ELEMENTS.has(tag)) throw new Error(`markdown renderer: <${tag}> is not allowed`);
  return doc.createElement(tag);
}

/** Opening tokens and the element each makes (headings take their level from the token's tag, checked). */
const OPENERS: Record<string, string | null> = {
  paragraph_open: 'p',
  heading_open: null,
  blockquote_open: 'blockquote',
  bullet_list_open: 'ul',
  ordered_list_open: 'ol',
  list_item_open: 'li',
  em_open: 'em',
  strong_open: 'strong',
};
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

function render(doc: Document, tokens: readonly Token[], root: Node): void {
  // Each open token pushes the node its children go into; a dropped wrapper (a hidden paragraph in a tight list, a
  // link whose URL is refused, anything unknown) pushes its parent again, so its close pops symmetrically.
  const stack: Node[] = [root];
  const top = () => stack[stack.length - 1]!;
  for (const token of tokens) {
    if (token.type === 'inline') {
      render(doc, token.children ?? [], top());
      continue;
    }
    if (token.nesting === 1) {
      let node: Node = top();
      if (token.type === 'link_open') {
        const href = allowedHref(token.attrGet('href') ?? '');
        if (href !== null) {
          const a = element(doc, 'a');
          a.setAttribute('href', href);
          a.setAttribute('rel', 'noopener noreferrer');
          node = a;
        }
      } else if (!token.hidden && token.type in OPENERS) {
        const tag = token.type === 'heading_open' ? (HEADINGS.has(token.tag) ? token.tag : 'p') : OPENERS[token.type]!;
        const el = element(doc, tag);
        if (tag === 'ol') {
          const raw = token.attrGet('start');
          const start = raw === null ? 1 : Number(raw);
          if (Number.isSafeInteger(start) && start >= 0 && start !== 1) el.setAttribute('start', String(start));
        }
        node = el;
      }
      if (node !== top()) top().appendChild(node);
      stack.push(node);
      continue;
    }
    if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    switch (token.type) {
      case 'text':
        top().appendChild(doc.createTextNode(token.content));
        break;
      case 'softbreak':
        top().appendChild(doc.createTextNode('\n'));
        break;
      case 'hardbreak':
        top().appendChild(element(doc, 'br'));
        break;
      case 'code_inline': {
        const code = element(doc, 'code');
        code.textContent = token.content;
        top().appendChild(code);
        break;
      }
      case 'code_block':
      case 'fence': {
        const pre = element(doc, 'pre');
        const code = element(doc, 'code');
        code.textContent = token.content;
        pre.appendChild(code);
        top().appendChild(pre);
        break;
      }
      case 'hr':
        top().appendChild(element(doc, 'hr'));
        break;
      case 'image':
        // Never loaded: the alt text stands in for it.
        top().appendChild(doc.createTextNode(plainText(token.children)));
        break;
      default:
        // Anything else (raw HTML if a rule let it through, a token this code does not know) is text.
        if (token.content) top().appendChild(doc.createTextNode(token.content));
    }
  }
}

/** The description as DOM nodes of the allowed elements only, ready to put in the preview's own wrapper. */
export function renderMarkdown(text: string, doc: Document = document): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  render(doc, parse(text), fragment);
  return fragment;
}

/**
 * Makes `target`'s children equal to `fresh`'s (both made by renderMarkdown): the blocks the two share at the start and
 * at the end stay in place, only those in between are replaced. `fresh` is consumed.
 */
export function patchBlocks(target: Node, fresh: DocumentFragment): void {
  const before = Array.from(target.childNodes);
  const after = Array.from(fresh.childNodes);
  let start = 0;
  while (start < before.length && start < after.length && before[start]!.isEqualNode(after[start]!)) start += 1;
  let endBefore = before.length - 1;
  let endAfter = after.length - 1;
  while (endBefore >= start && endAfter >= start && before[endBefore]!.isEqualNode(after[endAfter]!)) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const anchor = before[endBefore + 1] ?? null;
  for (let i = start; i <= endBefore; i += 1) target.removeChild(before[i]!);
  for (let i = start; i <= endAfter; i += 1) target.insertBefore(after[i]!, anchor);
}

/** The links a description shows as links (their hrefs, in order): what a click on one may ask to open. */
export function descriptionLinks(text: string): string[] {
  const links: string[] = [];
  const walk = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.children) walk(token.children);
      if (token.type === 'link_open') {
        const href = allowedHref(token.attrGet('href') ?? '');
        if (href !== null) links.push(href);
      }
    }
  };
  walk(parse(text));
  return links;
}

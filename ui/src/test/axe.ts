// axe-core's WCAG 2.1 A and AA rules on a part of the rendered window, for what jsdom can show: names, roles, labels,
// ARIA. Colour contrast and the visible label in a name (which measures glyphs on a canvas) need a rendering jsdom
// has none of: the built window's Chromium run checks those (`tests/preview/a11y.test.mjs`).
import axe from 'axe-core';

/** The violations axe finds in `element`, one line each (`rule: selector, …`); none is `[]`. */
export async function axeViolations(element: Element): Promise<string[]> {
  const result = await axe.run(element, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: { 'color-contrast': { enabled: false }, 'label-content-name-mismatch': { enabled: false } },
    resultTypes: ['violations'],
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

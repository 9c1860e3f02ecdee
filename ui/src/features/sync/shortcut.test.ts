import { describe, expect, it } from 'vitest';
import { isSyncShortcut, shortcutHint } from './shortcut';

const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', init);

describe('the sync shortcut', () => {
  it.each([
    [{ key: 'r', ctrlKey: true }, true],
    [{ key: 'R', ctrlKey: true, shiftKey: true }, true],
    [{ key: 'r', metaKey: true }, true],
    [{ key: 'к', code: 'KeyR', ctrlKey: true }, true],
    [{ key: 'F5' }, true],
    [{ key: 'r' }, false],
    [{ key: 'r', ctrlKey: true, altKey: true }, false],
    [{ key: 's', ctrlKey: true }, false],
    [{ key: 'F6' }, false],
  ])('%o -> %s', (init, expected) => {
    expect(isSyncShortcut(key(init))).toBe(expected);
  });

  it('is written the platform’s way', () => {
    expect(shortcutHint('MacIntel')).toBe('⌘R or F5');
    expect(shortcutHint('Linux x86_64')).toBe('Ctrl+R or F5');
    expect(shortcutHint('Win32')).toBe('Ctrl+R or F5');
  });
});

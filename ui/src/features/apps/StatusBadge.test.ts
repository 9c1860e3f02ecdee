import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { ReviewStatus } from '../../ipc';
import StatusBadge from './StatusBadge.svelte';

const LABELS: [ReviewStatus, string][] = [
  ['draft', 'Draft'],
  ['in_review', 'In Review'],
  ['approved', 'Approved'],
  ['rejected', 'Rejected'],
  ['available', 'Available'],
  ['advertised', 'Advertised'],
];

describe('StatusBadge', () => {
  it.each(LABELS)('shows %s as "%s" on either track', (status, label) => {
    render(StatusBadge, { track: 'technical', status });
    render(StatusBadge, { track: 'marketplace', status });

    for (const track of ['technical', 'marketplace']) {
      const badge = screen.getByTestId(`badge-${track}`);
      expect(badge.dataset.status).toBe(status);
      expect(badge.textContent?.trim()).toBe(label);
    }
    expect(screen.getByText('Technical')).toBeTruthy();
    expect(screen.getByText('Marketplace')).toBeTruthy();
    expect(screen.getByTestId('badge-marketplace').title).toBe(`Marketplace review: ${label}`);
  });

  it('gives every status its own colour class', () => {
    const classes = LABELS.map(([status]) => {
      const { unmount } = render(StatusBadge, { track: 'technical', status });
      const className = screen.getByTestId('badge-technical').className;
      unmount();
      return className.split(/\s+/).find((name) => name.startsWith('status-'));
    });
    expect(classes).toEqual(LABELS.map(([status]) => `status-${status}`));
    expect(new Set(classes).size).toBe(LABELS.length);
  });
});

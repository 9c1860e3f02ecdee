/**
 * The window's side of the start-up breakdown (the shell's is `src-tauri/src/startup.rs`): marks on the page's own
 * clock (`performance.now()`, from the page's navigation), each kept the first time only, sent with the first paint's
 * report. The start-up benchmark reads them from the shell's log; they cost a `performance.mark` each.
 */

const PREFIX = 'pwb:';

/** Marks a step of the start, the first time only. */
export function markStartup(step: string): void {
  if (typeof performance === 'undefined' || performance.getEntriesByName(PREFIX + step, 'mark').length > 0) return;
  performance.mark(PREFIX + step);
}

/** Every step marked so far and the navigation's own milestones, in milliseconds since the page's navigation. */
export function startupMarks(): Record<string, number> {
  const marks: Record<string, number> = {};
  if (typeof performance === 'undefined') return marks;
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (navigation) {
    marks['response_end'] = navigation.responseEnd;
    marks['dom_content_loaded'] = navigation.domContentLoadedEventEnd;
  }
  for (const entry of performance.getEntriesByType('mark')) {
    if (entry.name.startsWith(PREFIX)) marks[entry.name.slice(PREFIX.length)] ??= entry.startTime;
  }
  return Object.fromEntries(Object.entries(marks).map(([name, ms]) => [name, Math.round(ms * 10) / 10]));
}

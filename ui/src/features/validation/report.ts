// How the validation panel orders and counts a report, and which form elements carry a problem.
import type { Diagnostic, RuleSource, Severity, ValidationReport, VersionForm } from '../../ipc';
import { formTargets, resolveField } from './fields';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export const SEVERITY_LABEL: Record<Severity, { one: string; many: string }> = {
  error: { one: 'error', many: 'errors' },
  warning: { one: 'warning', many: 'warnings' },
  info: { one: 'note', many: 'notes' },
};

export interface DiagnosticGroup {
  severity: Severity;
  /** "2 errors", "1 warning". */
  title: string;
  items: Diagnostic[];
}

export function countLabel(severity: Severity, count: number): string {
  const label = SEVERITY_LABEL[severity];
  return `${count} ${count === 1 ? label.one : label.many}`;
}

/** The diagnostics by severity, errors first, each group in the report's order; empty groups are left out. */
export function groupBySeverity(diagnostics: readonly Diagnostic[]): DiagnosticGroup[] {
  return SEVERITIES.map((severity) => {
    const items = diagnostics.filter((d) => d.severity === severity);
    return { severity, title: countLabel(severity, items.length), items };
  }).filter((group) => group.items.length > 0);
}

/** One line for the whole report: "All clear", or "2 errors · 1 warning". */
export function summary(report: ValidationReport): string {
  const groups = groupBySeverity(report.diagnostics);
  return groups.length === 0 ? 'All clear' : groups.map((g) => g.title).join(' · ');
}

/** What the form shows on one element: the worst severity and every message that lands there. */
export interface FieldIssue {
  severity: Severity;
  messages: string[];
}

/** The issues of each form element (by form path), each diagnostic on the element `resolveField` maps it to. */
export function issuesByField(diagnostics: readonly Diagnostic[], draft: VersionForm): Map<string, FieldIssue> {
  const targets = formTargets(draft);
  const issues = new Map<string, FieldIssue>();
  for (const diagnostic of diagnostics) {
    const path = resolveField(diagnostic.field, draft, targets);
    if (path === null) continue;
    const issue = issues.get(path);
    if (!issue) {
      issues.set(path, { severity: diagnostic.severity, messages: [diagnostic.message] });
      continue;
    }
    issue.messages.push(diagnostic.message);
    if (SEVERITIES.indexOf(diagnostic.severity) < SEVERITIES.indexOf(issue.severity)) issue.severity = diagnostic.severity;
  }
  return issues;
}

/** "Why this rule", for people: where the rule comes from, in a title and the words it rests on. */
export interface SourceText {
  /** "Talkdesk FAQ §11", "Talkdesk documentation", "Partner Workbench's own rule (safety)". */
  title: string;
  /** The FAQ's or the page's words, or the house reason. */
  words: string;
  /** The page's address, for a page source. */
  url: string | null;
}

export function sourceText(source: RuleSource): SourceText {
  switch (source.kind) {
    case 'faq':
      return { title: `Talkdesk Partner Project FAQ §${source.section}`, words: `“${source.quote}”`, url: null };
    case 'page':
      return { title: 'Talkdesk’s published documentation', words: `“${source.quote}”`, url: source.url };
    case 'house':
      return {
        title: source.safety ? 'Partner Workbench’s own rule, for safety' : 'Partner Workbench’s own rule, not Talkdesk’s (a warning you may suppress)',
        words: source.reason,
        url: null,
      };
  }
}

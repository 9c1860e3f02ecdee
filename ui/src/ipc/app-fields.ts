// An app's own fields, the ones a partner edits (**Edit app**), and the rule of its text fields as
// `workbench_domain::lifecycle` words it: the fake backend's check (the window asks the backend). Its name is its
// identifier and is not one of them.
import type { AppFieldsForm } from './bindings';

/** The longest text field of an app (`lifecycle::MAX_APP_TEXT`). */
export const MAX_APP_TEXT = 200;

/** The fields, in the order the backend checks them (`lifecycle::APP_FIELDS`); a conflict names one `app.FIELD`. */
export const APP_FIELDS = ['slug', 'display_name', 'created_type', 'app_type', 'render'] as const satisfies readonly (keyof AppFieldsForm)[];
export type AppField = (typeof APP_FIELDS)[number];

/** The field a conflict's name (`app.display_name`) points at, or null when it is not an app's own. */
export function appFieldOf(conflictField: string): AppField | null {
  const name = conflictField.startsWith('app.') ? conflictField.slice('app.'.length) : null;
  return APP_FIELDS.find((field) => field === name) ?? null;
}

/** Why a text field of an app (`slug`, `display_name`, `created_type`) cannot be taken, if it cannot (`lifecycle::text_problem`). */
export function appTextProblem(value: string): string | null {
  if (value.trim() === '') return 'must not be empty';
  if ([...value].length > MAX_APP_TEXT) return `must be at most ${MAX_APP_TEXT} characters`;
  return null;
}

/** Just the app's own fields of an app row (or of a form), as the **Edit app** form starts. */
export function appFieldsOf(app: AppFieldsForm): AppFieldsForm {
  const { slug, display_name, created_type, app_type, render } = app;
  return { slug, display_name, created_type, app_type, render };
}

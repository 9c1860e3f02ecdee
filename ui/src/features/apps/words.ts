// How registering and editing an app, starting a version and deleting a draft read in the window (the fields Partner
// Project names).
import type { AppField, NewAppForm } from '../../ipc';

/** The mark of an app or version made on this computer and not on the server yet. */
export const NOT_SENT = 'Not sent yet';
export const NOT_SENT_TITLE = 'Made on this computer: sent to Partner Project at the next sync';

/** The text fields of the New app form, in its order. */
export type NewAppTextField = 'name' | 'display_name' | 'created_type' | 'slug';
export const NEW_APP_TEXT_FIELDS: NewAppTextField[] = ['name', 'display_name', 'created_type', 'slug'];

/** What the rules allow in an app's name (its unique identifier), as the server says it. */
export const NAME_HINT = "The unique identifier: 1 to 64 lower-case letters, digits or '-', starting with a letter or digit.";

/** An app's own fields, as the New app and Edit app forms and the card's conflicts name them. */
export const APP_FIELD_LABEL: Record<AppField, string> = {
  display_name: 'Display name',
  created_type: 'Vendor',
  slug: 'Slug',
  app_type: 'App type',
  render: 'Where it shows',
};

export const NEW_APP_FIELD: Record<NewAppTextField, { label: string; hint: string; placeholder?: string }> = {
  name: { label: 'Name', hint: NAME_HINT, placeholder: 'acme-crm-connector' },
  display_name: { label: APP_FIELD_LABEL.display_name, hint: 'The name customers see.' },
  created_type: { label: APP_FIELD_LABEL.created_type, hint: "Your company's name, shown as the app's vendor." },
  slug: { label: APP_FIELD_LABEL.slug, hint: 'Optional: the listing’s address; empty uses the name.', placeholder: 'same as the name' },
};

/** A field's problem as the form shows it under the field: "Name must not be empty". */
export function problemText(field: NewAppTextField, message: string): string {
  return `${NEW_APP_FIELD[field].label} ${message}`;
}

/** The text fields of the Edit app form, in its order (the name is not one: it is fixed). */
export type EditAppTextField = Exclude<NewAppTextField, 'name'>;
export const EDIT_APP_TEXT_FIELDS: EditAppTextField[] = ['display_name', 'created_type', 'slug'];

export const EDIT_APP_HINT: Record<EditAppTextField, string> = {
  display_name: NEW_APP_FIELD.display_name.hint,
  created_type: NEW_APP_FIELD.created_type.hint,
  slug: 'The listing’s address.',
};

/** The note beside an app's name in the Edit app form. */
export const NAME_FIXED = "The app's unique identifier: it is fixed and cannot be edited.";

/** The title of the Edit app form. */
export function editAppTitle(displayName: string): string {
  return `Edit ${displayName}`;
}

/** The form of a new app before anything is typed. */
export function emptyNewApp(): NewAppForm {
  return { name: '', slug: '', display_name: '', created_type: '', app_type: 'standalone', render: 'portal' };
}

/** The question before a draft version is deleted. */
export function deleteVersionQuestion(versionNumber: string, appName: string): string {
  return `Delete version ${versionNumber} of ${appName}?`;
}

/** The question before a refused registration is given up. */
export function discardRegistrationQuestion(appName: string): string {
  return `Discard the registration of ${appName}?`;
}

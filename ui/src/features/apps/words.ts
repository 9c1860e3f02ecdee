// How registering an app, starting a version and deleting a draft read in the window (the fields Partner Project names).
import type { NewAppForm } from '../../ipc';

/** The mark of an app or version made on this computer and not on the server yet. */
export const NOT_SENT = 'Not sent yet';
export const NOT_SENT_TITLE = 'Made on this computer: sent to Partner Project at the next sync';

/** The text fields of the New app form, in its order. */
export type NewAppTextField = 'name' | 'display_name' | 'created_type' | 'slug';
export const NEW_APP_TEXT_FIELDS: NewAppTextField[] = ['name', 'display_name', 'created_type', 'slug'];

/** What the rules allow in an app's name (its unique identifier), as the server says it. */
export const NAME_HINT = "The unique identifier: 1 to 64 lower-case letters, digits or '-', starting with a letter or digit.";

export const NEW_APP_FIELD: Record<NewAppTextField, { label: string; hint: string; placeholder?: string }> = {
  name: { label: 'Name', hint: NAME_HINT, placeholder: 'acme-crm-connector' },
  display_name: { label: 'Display name', hint: 'The name customers see.' },
  created_type: { label: 'Vendor', hint: "Your company's name, shown as the app's vendor." },
  slug: { label: 'Slug', hint: 'Optional: the listing’s address; empty uses the name.', placeholder: 'same as the name' },
};

/** A field's problem as the form shows it under the field: "Name must not be empty". */
export function problemText(field: NewAppTextField, message: string): string {
  return `${NEW_APP_FIELD[field].label} ${message}`;
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

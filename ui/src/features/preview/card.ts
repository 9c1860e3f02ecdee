// What the marketplace card shows, from a version's content, and which of it differs from the server's copy.
import type { VersionForm } from '../../ipc';
import { priceLine, SUMMARY_LIMIT, trialMark, truncate, type CardSize } from './rules';

export interface CardModel {
  name: string;
  vendor: string;
  /** The listing summary as the card of that size shows it (truncated by the rule). */
  summary: string;
  /** The first category, or null without one. */
  category: string | null;
  price: string | null;
  trial: string | null;
}

/**
 * The card's fields a version can change, each a field customers see; `icon` is marked from the backend's checksum
 * comparison. The vendor is the partner's name, the same on the draft's card and the live one, so never compared.
 */
export type CardField = 'icon' | Exclude<keyof CardModel, 'vendor'>;

export const CARD_FIELD_LABEL: Record<CardField, string> = {
  icon: 'icon',
  name: 'display name',
  summary: 'summary',
  category: 'category',
  price: 'price line',
  trial: 'trial mark',
};

export function cardOf(form: VersionForm, vendor: string, size: CardSize): CardModel {
  const category = form.marketplace.categories.find((c) => c.trim() !== '') ?? null;
  return {
    name: form.general.display_name.trim(),
    vendor,
    summary: truncate(form.marketplace.listing_summary, SUMMARY_LIMIT[size]),
    category: category?.trim() ?? null,
    price: priceLine(form.subscription_types),
    trial: trialMark(form.subscription_types),
  };
}

/** The fields of the draft's card that differ from the live card (as each shows), in the card's order. */
export function changedFields(draft: CardModel, live: CardModel, iconChanged: boolean): CardField[] {
  const fields: CardField[] = iconChanged ? ['icon'] : [];
  for (const key of ['name', 'summary', 'category', 'price', 'trial'] as const) {
    if (draft[key] !== live[key]) fields.push(key);
  }
  return fields;
}

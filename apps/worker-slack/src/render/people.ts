import { escapeText, link } from './escape';
import { formatCompact } from './format';
import { clip } from './limits';
import { num, record, str, type Fields } from './read';

// Names are for reading at a glance; a longer one is cut.
const MAX_NAME = 100;

const platformNames: Record<string, string> = { instagram: 'Instagram', tiktok: 'TikTok', youtube: 'YouTube' };

/** "instagram" → "Instagram"; an unknown platform is shown as sent. */
export function platformName(raw: string): string {
  return platformNames[raw.toLowerCase()] ?? escapeText(raw);
}

/** deal_name is "usually the influencer's handle": shown as @handle only when it looks like one. */
function handleOf(dealInfo: Fields): string | undefined {
  const name = str(dealInfo.deal_name);
  return name && name.length <= MAX_NAME && /^[\w.]+$/.test(name) ? `@${name}` : undefined;
}

function fullNameOf(dealInfo: Fields): string | undefined {
  const name = str(dealInfo.full_name);
  return name === undefined ? undefined : clip(name, MAX_NAME);
}

/** How a message names the influencer in a sentence (mrkdwn, bold). */
export function influencerName(payload: Fields): string {
  const dealInfo = record(payload.deal_info);
  const name = fullNameOf(dealInfo) ?? handleOf(dealInfo);
  return name ? `*${escapeText(name)}*` : '*an influencer*';
}

/** "Dwayne Johnson · @therock · Instagram · 60K followers", the name linking to the profile. */
export function influencerLine(payload: Fields): string | undefined {
  const dealInfo = record(payload.deal_info);
  const fullName = fullNameOf(dealInfo);
  const handle = handleOf(dealInfo);
  const platform = str(dealInfo.platform);
  const followers = num(dealInfo.nr_followers);
  const title = fullName ?? handle;
  const parts = [
    title && `:bust_in_silhouette: *${link(dealInfo.profile_url, escapeText(title))}*`,
    fullName && handle,
    platform && platformName(platform),
    followers !== undefined && `${formatCompact(followers)} followers`,
  ].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** "Deal therock (DEAL-67890) · Spring Collection Promo · outreach · funnel step 3/4". */
export function dealLine(payload: Fields): string | undefined {
  const dealInfo = record(payload.deal_info);
  const name = str(dealInfo.deal_name);
  const id = str(payload.deal_id);
  const step = num(dealInfo.dealflow_funnel_step);
  const dealflow = str(dealInfo.dealflow_name);
  const dealflowType = str(dealInfo.dealflow_type);
  const label = [name && `*${escapeText(name)}*`, id && `(${escapeText(id)})`].filter(Boolean).join(' ');
  const parts = [
    label && `:handshake: Deal ${label}`,
    dealflow && escapeText(dealflow),
    dealflowType && escapeText(dealflowType),
    // Steps run 0–4 (the docs name no stages), so "3/4" reads as "stage 3 of the last stage 4".
    step !== undefined && `funnel step ${step}/4`,
    dealInfo.is_active === false && 'inactive',
  ].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

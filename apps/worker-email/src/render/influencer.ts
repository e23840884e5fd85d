import { count } from './format';
import { httpUrl } from './safe';

/** The influencer as an email shows it, read defensively: two webhook types have no published schema. */
export interface Influencer {
  name: string;
  /** "@therock · instagram · 60,000 followers" (parts that are present). */
  details: string;
  pictureUrl?: string | undefined;
  profileUrl?: string | undefined;
  dealflow?: string | undefined;
}

function text(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The value when it is a plain JSON object, else an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function influencerOf(payload: Record<string, unknown>): Influencer {
  const info = asRecord(payload.deal_info);
  const handle = text(info, 'deal_name');
  const followers = typeof info.nr_followers === 'number' ? `${count(info.nr_followers)} followers` : undefined;
  return {
    name: text(info, 'full_name') ?? handle ?? text(payload, 'deal_id') ?? 'Unknown influencer',
    details: [handle && `@${handle}`, text(info, 'platform'), followers].filter(Boolean).join(' · '),
    pictureUrl: httpUrl(info.picture_url),
    profileUrl: httpUrl(info.profile_url),
    dealflow: text(info, 'dealflow_name'),
  };
}


/** The deal page link (`deal_url`, sent with influencer replies), when the payload has an http(s) one. */
export function dealUrlOf(payload: Record<string, unknown>): string | undefined {
  return httpUrl(payload.deal_url);
}

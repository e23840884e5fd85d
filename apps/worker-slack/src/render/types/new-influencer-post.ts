import { escapeText, linkOnly } from '../escape';
import { platformName } from '../people';
import { record, str } from '../read';
import type { TypeRenderer } from '../renderer';
import { plainText, quote } from '../snippets';

// No published schema: the fields below are what our fixture invents (post_information{post_url, post_type,
// platform, caption, posted_at}). Anything else falls back to the generic message.
export const newInfluencerPost: TypeRenderer = (payload, who) => {
  const post = record(payload.post_information);
  const url = linkOnly(post.post_url, 'View the post');
  const caption = str(post.caption);
  if (!url && !caption) return undefined;
  const platform = str(post.platform);
  const kind = str(post.post_type);
  const what = [platform && platformName(platform), kind ? escapeText(kind) : 'post'].filter(Boolean).join(' ');
  return {
    summary: `${who} published a new ${what}.`,
    facts: [['Posted', plainText(str(post.posted_at))]],
    detail: quote(caption, 300),
    links: [url],
  };
};

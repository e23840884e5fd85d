import { linkOnly } from '../escape';
import { formatCount } from '../format';
import { num, record } from '../read';
import type { TypeRenderer } from '../renderer';

// No published schema: media_information{post_url, platform, views, likes, comments} is our fixture's
// invention. Without any figure the generic message is sent instead.
export const mediaKpiUpdated: TypeRenderer = (payload, who) => {
  const media = record(payload.media_information);
  const figures = (['views', 'likes', 'comments'] as const).map((key) => {
    const n = num(media[key]);
    return [key, n === undefined ? undefined : formatCount(n)] as const;
  });
  if (figures.every(([, value]) => value === undefined)) return undefined;
  const [views, likes, comments] = figures.map(([, value]) => value);
  return {
    summary: `Post stats updated for ${who}${views ? `: *${views} views*` : ''}.`,
    facts: [
      ['Views', views],
      ['Likes', likes],
      ['Comments', comments],
    ],
    links: [linkOnly(media.post_url, 'View the post')],
  };
};

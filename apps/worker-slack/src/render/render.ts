import type { WebhookEvent, WebhookType } from '@herohooks/contracts';
import { escapeText } from './escape';
import { composeMessage, type SlackMessage } from './message';
import { dealLine, influencerLine, influencerName } from './people';
import { record } from './read';
import type { TypeBody, TypeRenderer } from './renderer';
import { mediaKpiUpdated } from './types/media-kpi-updated';
import { newEmailSent } from './types/new-email-sent';
import { newInfluencerOrder } from './types/new-influencer-order';
import { newInfluencerPost } from './types/new-influencer-post';
import { newInfluencerReply } from './types/new-influencer-reply';
import { newMaxBid } from './types/new-max-bid';
import { newPayoutRequest } from './types/new-payout-request';
import { productSent } from './types/product-sent';
import { updateCommission } from './types/update-commission';
import { updateCustomLink } from './types/update-custom-link';
import { updateDiscountCode } from './types/update-discount-code';

export type { SlackMessage } from './message';

const renderers: Record<WebhookType, { title: string; render: TypeRenderer }> = {
  new_payout_request: { title: ':moneybag: Payout requested', render: newPayoutRequest },
  new_max_bid: { title: ':label: Max bid requested', render: newMaxBid },
  update_discount_code: { title: ':ticket: Discount code changed', render: updateDiscountCode },
  update_custom_link: { title: ':link: Custom link changed', render: updateCustomLink },
  update_commission: { title: ':chart_with_upwards_trend: Commission changed', render: updateCommission },
  product_sent: { title: ':package: Product sent', render: productSent },
  new_email_sent: { title: ':outbox_tray: Email sent', render: newEmailSent },
  new_influencer_reply: { title: ':speech_balloon: Influencer replied', render: newInfluencerReply },
  new_influencer_order: { title: ':shopping_trolley: New order', render: newInfluencerOrder },
  new_influencer_post: { title: ':camera_with_flash: New post', render: newInfluencerPost },
  media_kpi_updated: { title: ':bar_chart: Post stats updated', render: mediaKpiUpdated },
};

function genericBody(type: WebhookType, who: string): TypeBody {
  return { summary: `Influencer Hero sent \`${type}\` for ${who}; the payload has none of the fields we show.` };
}

/** "Delivery `id` · received <local time>": Slack renders the date in each reader's own time zone. */
function deliveryLine(event: WebhookEvent): string {
  const id = `Delivery \`${escapeText(event.deliveryId)}\``;
  const seconds = Math.floor(Date.parse(event.receivedAt) / 1_000);
  if (!Number.isFinite(seconds)) return id;
  return `${id} · received <!date^${seconds}^{date_short_pretty} {time}|${escapeText(event.receivedAt)}>`;
}

/** The Slack message for one webhook delivery. Every payload value is escaped before it reaches mrkdwn. */
export function renderEvent(event: WebhookEvent): SlackMessage {
  const payload = record(event.payload);
  const who = influencerName(payload);
  const { title, render } = renderers[event.type];
  const body = render(payload, who) ?? genericBody(event.type, who);
  return composeMessage({ title, ...body }, [influencerLine(payload), dealLine(payload), deliveryLine(event)]);
}

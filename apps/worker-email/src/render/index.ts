import type { WebhookEvent, WebhookType } from '@herohooks/contracts';
import { renderHtml } from './layout-html';
import { renderText } from './layout-text';
import { headerText } from './safe';
import { generic } from './templates/generic';
import { influencerReply } from './templates/influencer-reply';
import { maxBid } from './templates/max-bid';
import { payoutRequest } from './templates/payout-request';
import type { EmailView } from './view';

export interface RenderedEmail {
  /** One line, control characters removed, at most 200 characters. */
  subject: string;
  html: string;
  text: string;
}

type Template<T extends WebhookType> = (event: WebhookEvent<T>) => EmailView;

/** Types routed to email by default have their own template; any other type routed here gets the generic one. */
const templates: { [T in WebhookType]?: Template<T> } = {
  new_payout_request: payoutRequest,
  new_max_bid: maxBid,
  new_influencer_reply: influencerReply,
};

export function viewOf(event: WebhookEvent): EmailView {
  const template = templates[event.type] as Template<WebhookType> | undefined;
  return (template ?? generic)(event);
}

/** "[Payout request] Dwayne Johnson — USD 1,500.00 — Spring Collection Promo": sorts by type, searches by name. */
export function subjectOf(view: EmailView): string {
  const parts = view.subject.map((part) => part && headerText(part)).filter(Boolean);
  return headerText(`[${view.label}] ${parts.join(' — ')}`);
}

export function renderEmail(event: WebhookEvent): RenderedEmail {
  const view = viewOf(event);
  const subject = subjectOf(view);
  return { subject, html: renderHtml(view, subject, event.deliveryId), text: renderText(view, event.deliveryId) };
}

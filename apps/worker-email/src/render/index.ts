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

const subjectParts = (view: EmailView) =>
  view.subject.map((part) => part && headerText(part)).filter(Boolean).join(' — ');

/**
 * "[Payout request] Dwayne Johnson — USD 1,500.00 — Spring Collection Promo": sorts by type, searches by name. An
 * email carrying several deliveries counts them: "[Payout request ×3] …; …; …" when they are of one type, else
 * "[3 events] Payout request: …; Max bid request: …".
 */
export function subjectOf(views: readonly EmailView[]): string {
  const [first] = views;
  if (views.length === 1) return headerText(`[${first!.label}] ${subjectParts(first!)}`);
  if (views.every((view) => view.label === first!.label)) {
    return headerText(`[${first!.label} ×${views.length}] ${views.map(subjectParts).join('; ')}`);
  }
  const each = views.map((view) => `${view.label}: ${subjectParts(view)}`);
  return headerText(`[${views.length} events] ${each.join('; ')}`);
}

/** One email for the deliveries it carries (most often one), in the order given. */
export function renderEmail(events: readonly WebhookEvent[]): RenderedEmail {
  const sections = events.map((event) => ({ view: viewOf(event), deliveryId: event.deliveryId }));
  const subject = subjectOf(sections.map((section) => section.view));
  return { subject, html: renderHtml(sections, subject), text: renderText(sections) };
}

import type { DeadLetterAlert } from '@herohooks/contracts';
import { escapeText } from './escape';
import type { Fact } from './blocks';
import { composeMessage, type SlackMessage } from './message';
import { code } from './snippets';

/** Delivery ids an inbox-batch alert spells out; the rest are counted (`herohooks dlq list --json` has them all). */
const LISTED_DELIVERIES = 10;

function listed(deliveryIds: readonly string[]): string {
  const shown = deliveryIds.slice(0, LISTED_DELIVERIES).map(code).join(', ');
  const more = deliveryIds.length - LISTED_DELIVERIES;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/**
 * One message per dead-lettered delivery, with the command that replays it. An inbox batch lists the deliveries it
 * holds (when any could be read); they are replayed together, by the batch id.
 */
export function renderAlert(alert: DeadLetterAlert): SlackMessage {
  const consumer = escapeText(alert.consumer);
  const replay = `Replay it with ${code(`herohooks dlq replay --queue ${alert.consumer} --id ${alert.deliveryId}`)}`;
  const tail: Fact[] = [
    ['Reason', code(alert.reason)],
    ['Dead-letter queue', code(alert.deadLetterQueue)],
    ['Failed at', escapeText(alert.failedAt)],
  ];
  if (alert.deliveryIds?.length) {
    const count = alert.deliveryIds.length;
    return composeMessage(
      {
        title: ':rotating_light: Inbox batch dead-lettered',
        summary:
          `The router gave up on an inbox batch of ${count} deliver${count === 1 ? 'y' : 'ies'}: ${code(alert.reason)}. ` +
          'A replay fans the batch out again; deliveries a consumer already handled are skipped there.',
        facts: [['Batch', code(alert.deliveryId)], ['Deliveries', listed(alert.deliveryIds)], ...tail],
      },
      [replay],
    );
  }
  return composeMessage(
    {
      title: ':rotating_light: Delivery dead-lettered',
      summary: `The *${consumer}* consumer gave up on a ${code(alert.type)} delivery: ${code(alert.reason)}.`,
      facts: [['Consumer', consumer], ['Type', code(alert.type)], ['Delivery', code(alert.deliveryId)], ...tail],
    },
    [replay],
  );
}

import type { DeadLetterAlert } from '@herohooks/contracts';
import { escapeText } from './escape';
import { composeMessage, type SlackMessage } from './message';
import { code } from './snippets';

/** One message per dead-lettered delivery, with the command that replays it. */
export function renderAlert(alert: DeadLetterAlert): SlackMessage {
  const consumer = escapeText(alert.consumer);
  return composeMessage(
    {
      title: ':rotating_light: Delivery dead-lettered',
      summary: `The *${consumer}* consumer gave up on a ${code(alert.type)} delivery: ${code(alert.reason)}.`,
      facts: [
        ['Consumer', consumer],
        ['Type', code(alert.type)],
        ['Delivery', code(alert.deliveryId)],
        ['Reason', code(alert.reason)],
        ['Dead-letter queue', code(alert.deadLetterQueue)],
        ['Failed at', escapeText(alert.failedAt)],
      ],
    },
    [`Replay it with ${code(`herohooks dlq replay --queue ${alert.consumer} --id ${alert.deliveryId}`)}`],
  );
}

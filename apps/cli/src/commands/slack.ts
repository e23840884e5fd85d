import { isWebhookType, webhookTypes, type WebhookType } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { renderEvent } from '@herohooks/worker-slack/render';
import { parseOptions } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';

const usage = 'herohooks slack preview <type|all>';

/** What Block Kit Builder accepts: `{ "blocks": [...] }`. */
function previewOf(type: WebhookType) {
  const { blocks } = renderEvent({
    deliveryId: `preview-${type}`,
    type,
    receivedAt: new Date().toISOString(),
    payload: fixture(type),
  });
  return { blocks };
}

/** `slack preview`: the blocks a type's sample payload renders to, to paste into Slack's Block Kit Builder. */
export const slack: Command = {
  name: 'slack',
  summary: 'the Block Kit JSON a sample payload of <type> renders to ("all": one object per type)',
  usage,
  async run(argv, io) {
    const { positionals } = parseOptions(argv, {});
    const [action, target, ...extra] = positionals;
    if (action !== 'preview') throw new UsageError(action ? `unknown action "${action}"` : 'missing action "preview"');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    let document: unknown;
    if (target === 'all') document = Object.fromEntries(webhookTypes.map((type) => [type, previewOf(type)]));
    else if (target && isWebhookType(target)) document = previewOf(target);
    else throw new UsageError(`${target ? `unknown type "${target}"` : 'missing <type|all>'}; one of all, ${webhookTypes.join(', ')}`);
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return EXIT_OK;
  },
};

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isWebhookType, webhookTypes } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { renderEmail } from '@herohooks/worker-email/render';
import { parseOptions } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';

const usage = 'herohooks email preview <type> [--out DIR] [--deliveries N]';

/** As many as an email may carry (EMAIL_DELIVERIES_PER_MESSAGE). */
const MOST_DELIVERIES = 50;

/**
 * `email preview`: renders a type's sample payload as the worker would and writes both parts to files; with
 * `--deliveries N`, the email that N deliveries of that type arriving together share.
 */
export const email: Command = {
  name: 'email',
  summary: 'what a sample payload of <type> renders to as email: <type>.html and <type>.txt in DIR (default ./email-preview)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { out: { type: 'string' }, deliveries: { type: 'string' } });
    const [action, type, ...rest] = positionals;
    if (action !== 'preview') throw new UsageError(action ? `unknown action "${action}"` : 'missing action "preview"');
    if (!type) throw new UsageError('missing <type>');
    if (!isWebhookType(type)) throw new UsageError(`unknown type "${type}"; one of ${webhookTypes.join(', ')}`);
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const count = Number(values.deliveries ?? '1');
    if (!Number.isInteger(count) || count < 1 || count > MOST_DELIVERIES) {
      throw new UsageError(`--deliveries must be a whole number from 1 to ${MOST_DELIVERIES}`);
    }

    const receivedAt = new Date().toISOString();
    const rendered = renderEmail(
      Array.from({ length: count }, (_, index) => ({
        deliveryId: count === 1 ? `preview-${type}` : `preview-${type}-${index + 1}`,
        type,
        receivedAt,
        payload: fixture(type),
      })),
    );
    const dir = resolve(values.out ?? 'email-preview');
    await mkdir(dir, { recursive: true });
    const files = [join(dir, `${type}.html`), join(dir, `${type}.txt`)] as const;
    await Promise.all([writeFile(files[0], rendered.html), writeFile(files[1], rendered.text)]);
    io.stdout.write(`${files.join('\n')}\n`);
    return EXIT_OK;
  },
};

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isWebhookType, webhookTypes } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { renderEmail } from '@herohooks/worker-email/render';
import { parseOptions } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';

const usage = 'herohooks email preview <type> [--out DIR]';

/** `email preview`: renders a type's sample payload as the worker would and writes both parts to files. */
export const email: Command = {
  name: 'email',
  summary: 'what a sample payload of <type> renders to as email: <type>.html and <type>.txt in DIR (default ./email-preview)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { out: { type: 'string' } });
    const [action, type, ...rest] = positionals;
    if (action !== 'preview') throw new UsageError(action ? `unknown action "${action}"` : 'missing action "preview"');
    if (!type) throw new UsageError('missing <type>');
    if (!isWebhookType(type)) throw new UsageError(`unknown type "${type}"; one of ${webhookTypes.join(', ')}`);
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);

    const rendered = renderEmail([
      { deliveryId: `preview-${type}`, type, receivedAt: new Date().toISOString(), payload: fixture(type) },
    ]);
    const dir = resolve(values.out ?? 'email-preview');
    await mkdir(dir, { recursive: true });
    const files = [join(dir, `${type}.html`), join(dir, `${type}.txt`)] as const;
    await Promise.all([writeFile(files[0], rendered.html), writeFile(files[1], rendered.text)]);
    io.stdout.write(`${files.join('\n')}\n`);
    return EXIT_OK;
  },
};

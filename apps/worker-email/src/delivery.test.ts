import { fixture } from '@herohooks/contracts/fixtures';
import { waitFor } from '@herohooks/testing/wait';
import { afterEach, describe, expect, it } from 'vitest';
import { eventOf, startHarness, type Harness } from './consumer-harness';

const PASSWORD = 's3cret-Pa55word';
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function deliverOne(h: Harness) {
  await h.add(eventOf('new_max_bid', fixture('new_max_bid')));
  await waitFor(() => h.sink.messages.length === 1, { label: 'message' });
  return h.sink.messages[0]!;
}

describe('SMTP transport', () => {
  // The sink uses smtp-server's built-in self-signed certificate, hence tls.rejectUnauthorized=false here only.
  it('upgrades an smtp:// session with STARTTLS when the server offers it, and logs in', async () => {
    const h = (harness = await startHarness({
      sink: { tls: 'starttls', auth: { user: 'mailer', pass: PASSWORD } },
      smtpUrl: { query: '?tls.rejectUnauthorized=false' },
    }));
    const mail = await deliverOne(h);
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe('mailer');
  });

  it('speaks TLS from the start for smtps://', async () => {
    const h = (harness = await startHarness({ sink: { tls: 'implicit' }, smtpUrl: { query: '?tls.rejectUnauthorized=false' } }));
    const mail = await deliverOne(h);
    expect(mail.secure).toBe(true);
  });

  it('never writes the SMTP password to the log', async () => {
    const h = (harness = await startHarness({ sink: { auth: { user: 'mailer', pass: PASSWORD } } }));
    await deliverOne(h);
    expect(h.logs.join('')).toContain('email sent');
    expect(h.logs.join('')).not.toContain(PASSWORD);
  });

  it('retries a refused login (535 on AUTH) without logging the password it tried', async () => {
    const h = (harness = await startHarness({
      sink: { auth: { user: 'mailer', pass: PASSWORD } },
      smtpUrl: { auth: { user: 'mailer', pass: 'Wrong-Pa55word' } },
    }));
    const job = await h.add(eventOf('new_max_bid', fixture('new_max_bid'), 'dlv-auth'));
    await waitFor(async () => ((await h.queue.getJob(job.id!))?.attemptsMade ?? 0) >= 2, { label: 'two refused logins' });
    expect(await h.deadLetters.getJob('dlv-auth')).toBeUndefined();
    const logs = h.logs.join('');
    expect(logs).toContain('"code":"EAUTH"');
    expect(logs).not.toContain('Wrong-Pa55word');
    expect(h.sink.messages).toHaveLength(0);
  });

  it('in dry-run renders and logs subject and recipients, never the body, sends nothing and completes', async () => {
    const h = (harness = await startHarness({ dryRun: true, env: { EMAIL_TO_NEW_PAYOUT_REQUEST: 'finance@example.com' } }));
    await h.add(eventOf('new_payout_request', fixture('new_payout_request'), 'dlv-dry'));
    await waitFor(async () => (await (await h.queue.getJob('dlv-dry'))?.getState()) === 'completed', { label: 'completed' });
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'dry-run: email rendered, not sent');
    expect(line).toMatchObject({
      deliveryId: 'dlv-dry',
      subject: '[Payout request] Dwayne Johnson — USD 1,500.00 — Spring Collection Promo',
      to: ['finance@example.com'],
    });
    expect(h.logs.join('')).not.toContain('January bonus payment');
    expect(h.sink.messages).toHaveLength(0);
  });
});

import { INBOX_BATCH, catalog, emailDeliveryIds, emailMessageId, jobOptions } from '@herohooks/contracts';
import { fixture } from '@herohooks/contracts/fixtures';
import { waitFor } from '@herohooks/testing/wait';
import { afterEach, describe, expect, it } from 'vitest';
import { eventOf, startHarness, type Harness } from './consumer-harness';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const deliveriesIn = (mail: Harness['sink']['messages'][number]) =>
  emailDeliveryIds(mail.parsed.headers.get('x-herohooks-delivery') as string | undefined);

async function stateOf(h: Harness, id: string) {
  const job = await h.queue.getJob(id);
  return { state: await job?.getState(), attemptsMade: job?.attemptsMade ?? 0 };
}

const completed = (h: Harness, id: string) =>
  waitFor(async () => (await stateOf(h, id)).state === 'completed', { label: `job ${id} completed` });

describe('email consumer over real SMTP', () => {
  it('mails the events of a batch job that share recipients as one email, with a done mark per delivery', async () => {
    const h = (harness = await startHarness({ env: { EMAIL_TO_NEW_PAYOUT_REQUEST: 'finance@example.com' } }));
    const events = [
      eventOf('new_max_bid', fixture('new_max_bid'), 'dlv-b1'),
      eventOf('new_payout_request', fixture('new_payout_request'), 'dlv-b2'),
      eventOf('new_influencer_reply', fixture('new_influencer_reply'), 'dlv-b3'),
    ];
    await h.queue.add(INBOX_BATCH, { events } as never, jobOptions(catalog.email, 'batch-1'));
    await completed(h, 'batch-1');
    await waitFor(() => h.sink.messages.length === 2, { label: 'two messages' });
    const shared = h.sink.messages.find((m) => m.envelope.to[0] === 'ops@example.com')!;
    expect(shared.parsed.headers.get('x-herohooks-delivery')).toBe('dlv-b1, dlv-b3');
    expect(shared.parsed.messageId).toBe(emailMessageId(['dlv-b1', 'dlv-b3']));
    expect(emailMessageId(['dlv-b1', 'dlv-b3'])).toMatch(/^<deliveries-[0-9a-f]{32}@herohooks>$/);
    expect(emailMessageId(['dlv-b3', 'dlv-b1'])).not.toBe(emailMessageId(['dlv-b1', 'dlv-b3']));
    expect(shared.parsed.subject).toBe(
      '[2 events] Max bid request: Dwayne Johnson — Spring Collection Promo; ' +
        'Influencer reply: Leo Martins — Re: Your Trail Runner 2 pair is on its way',
    );
    expect((shared.parsed.html as string).match(/<h1/g)).toHaveLength(2);
    expect(shared.parsed.text).toContain('Sent by herohooks · deliveries dlv-b1, dlv-b3');
    const alone = h.sink.messages.find((m) => m.envelope.to[0] === 'finance@example.com')!;
    expect(alone.parsed.headers.get('x-herohooks-delivery')).toBe('dlv-b2');
    expect(alone.parsed.messageId).toBe('<dlv-b2@herohooks>');
    // Each delivery is marked done on its own: the same events queued again mail nothing.
    await h.queue.add(INBOX_BATCH, { events } as never, jobOptions(catalog.email, 'batch-2'));
    await completed(h, 'batch-2');
    expect(h.sink.messages).toHaveLength(2);
  });

  it('mails every event on its own with EMAIL_DELIVERIES_PER_MESSAGE=1, each under its own Message-ID', async () => {
    const h = (harness = await startHarness({ env: { EMAIL_DELIVERIES_PER_MESSAGE: '1' } }));
    const events = ['dlv-b1', 'dlv-b2', 'dlv-b3'].map((id) => eventOf('new_max_bid', fixture('new_max_bid'), id));
    await h.queue.add(INBOX_BATCH, { events } as never, jobOptions(catalog.email, 'batch-1'));
    await completed(h, 'batch-1');
    await waitFor(() => h.sink.messages.length === 3, { label: 'three messages' });
    expect(h.sink.messages.map((m) => m.parsed.messageId).sort()).toEqual(
      ['<dlv-b1@herohooks>', '<dlv-b2@herohooks>', '<dlv-b3@herohooks>'],
    );
  });

  it('resends an email refused for its content one delivery at a time: only the refused one dead-letters', async () => {
    const h = (harness = await startHarness());
    h.sink.refuseMessagesContaining('dlv-too-big', 552);
    const events = ['dlv-too-big', 'dlv-fine'].map((id) => eventOf('new_max_bid', fixture('new_max_bid'), id));
    await h.queue.add(INBOX_BATCH, { events } as never, jobOptions(catalog.email, 'batch-1'));
    const letter = await waitFor(() => h.deadLetters.getJob('dlv-too-big'), { label: 'dead letter' });
    expect(letter.data.reason).toBe('smtp_552');
    await completed(h, 'batch-1');
    expect(h.sink.messages.map((m) => m.parsed.headers.get('x-herohooks-delivery'))).toEqual(['dlv-fine']);
    expect(await h.deadLetters.getJob('dlv-fine')).toBeUndefined();
    // The shared email, then the refused delivery alone.
    expect(h.sink.refusals).toEqual(['DATA 552', 'DATA 552']);
  });

  it('retries each delivery of a shared email the server defers (450), and mails each exactly once', async () => {
    const h = (harness = await startHarness());
    h.sink.rejectRecipients(450);
    const events = ['dlv-d1', 'dlv-d2'].map((id) => eventOf('new_max_bid', fixture('new_max_bid'), id));
    await h.queue.add(INBOX_BATCH, { events } as never, jobOptions(catalog.email, 'batch-1'));
    await waitFor(() => h.sink.refusals.length >= 2, { label: 'the shared email and a retry deferred' });
    h.sink.acceptRecipients();
    await waitFor(() => h.sink.messages.flatMap((m) => deliveriesIn(m)).length === 2, { label: 'both mailed' });
    for (const id of ['dlv-d1', 'dlv-d2']) await completed(h, `batch-1-${id}`);
    expect(h.sink.messages.flatMap((m) => deliveriesIn(m)).sort()).toEqual(['dlv-d1', 'dlv-d2']);
    expect(await h.deadLetters.count()).toBe(0);
  });

  it('dead-letters every delivery of an email whose recipients are refused, without resending one by one', async () => {
    const h = (harness = await startHarness());
    h.sink.rejectRecipients(550);
    const events = ['dlv-r1', 'dlv-r2'].map((id) => eventOf('new_max_bid', fixture('new_max_bid'), id));
    await h.queue.add(INBOX_BATCH, { events } as never, jobOptions(catalog.email, 'batch-1'));
    for (const id of ['dlv-r1', 'dlv-r2']) {
      const letter = await waitFor(() => h.deadLetters.getJob(id), { label: `dead letter ${id}` });
      expect(letter.data.reason).toBe('smtp_550');
    }
    expect(h.sink.refusals).toEqual(['RCPT TO 550']);
    expect(h.sink.messages).toHaveLength(0);
  });

  it('delivers each routed type to its recipients with subject, both parts, Message-ID and delivery header', async () => {
    const h = (harness = await startHarness({
      env: {
        EMAIL_TO: 'ops@example.com',
        EMAIL_TO_NEW_PAYOUT_REQUEST: 'finance@example.com, payouts@example.com',
        EMAIL_DELIVERIES_PER_MESSAGE: '1',
      },
    }));
    const payout = eventOf('new_payout_request', fixture('new_payout_request'), 'dlv-payout');
    const bid = eventOf('new_max_bid', fixture('new_max_bid'), 'dlv-bid');
    const reply = eventOf('new_influencer_reply', fixture('new_influencer_reply'), 'dlv-reply');
    await Promise.all([h.add(payout), h.add(bid), h.add(reply)]);
    await waitFor(() => h.sink.messages.length === 3, { label: 'three messages' });

    const byDelivery = new Map(h.sink.messages.map((m) => [m.parsed.headers.get('x-herohooks-delivery'), m]));
    const expected = [
      ['dlv-payout', ['finance@example.com', 'payouts@example.com'], '[Payout request] Dwayne Johnson — USD 1,500.00 — Spring Collection Promo'],
      ['dlv-bid', ['ops@example.com'], '[Max bid request] Dwayne Johnson — Spring Collection Promo'],
      ['dlv-reply', ['ops@example.com'], '[Influencer reply] Leo Martins — Re: Your Trail Runner 2 pair is on its way'],
    ] as const;
    for (const [deliveryId, to, subject] of expected) {
      const mail = byDelivery.get(deliveryId);
      expect(mail, deliveryId).toBeDefined();
      expect(mail!.envelope.to).toEqual(to);
      expect(mail!.envelope.from).toBe('alerts@herohooks.example.com');
      expect(mail!.parsed.subject).toBe(subject);
      expect(mail!.parsed.messageId).toBe(`<${deliveryId}@herohooks>`);
      expect(mail!.parsed.html).toContain('<h1');
      expect(mail!.parsed.text).toContain('Sent by herohooks');
    }
    const payoutHtml = byDelivery.get('dlv-payout')!.parsed.html as string;
    expect(payoutHtml).toContain('<img src="https://imgp.sptds.icu/v2?mb0KwpL92uYofJiSjDn1%2F6peL');
    expect(payoutHtml).toContain('<a href="https://instagram.com/therock"');
    expect(byDelivery.get('dlv-reply')!.parsed.html).toContain('<blockquote');
    expect(byDelivery.get('dlv-reply')!.parsed.html).toContain('href="https://app.influencer-hero.com/deal/deal9914"');
    expect(byDelivery.get('dlv-reply')!.parsed.text).toContain("> Got them today, fit is great. I'll film the review this weekend.");
    await completed(h, 'dlv-reply');
  });

  it('keeps hostile payload text out of the markup and out of the headers', async () => {
    const h = (harness = await startHarness());
    const payload = fixture('new_payout_request');
    payload.payout_information.payout_comment = '<script>alert(1)</script>\r\nBcc: evil@example.com';
    payload.deal_info.full_name = '"><img src=x onerror=alert(1)>\r\nBcc: evil@example.com';
    payload.deal_info.dealflow_name = 'Promo\r\nBcc: evil@example.com\r\nX-Injected: yes';
    payload.deal_info.picture_url = 'javascript:alert(1)';
    payload.deal_info.profile_url = '"><script>alert(2)</script>';
    await h.add(eventOf('new_payout_request', payload, 'dlv-hostile'));
    await waitFor(() => h.sink.messages.length === 1, { label: 'message' });
    const [mail] = h.sink.messages;

    const html = mail!.parsed.html as string;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<[^>]*\sonerror=/i);
    expect(html).not.toMatch(/<img/i); // the only picture had a javascript: URL
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const [, url] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) expect(url).toMatch(/^https?:\/\//);

    const headerBlock = mail!.raw.slice(0, mail!.raw.indexOf('\r\n\r\n'));
    expect(headerBlock).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(mail!.parsed.headers.has('bcc')).toBe(false);
    expect(mail!.parsed.headers.has('x-injected')).toBe(false);
    expect(mail!.envelope.to).toEqual(['ops@example.com']);
    expect(mail!.parsed.subject).toMatch(/^\[Payout request\] "><img src=x onerror=alert\(1\)> Bcc: evil@example.com — /);
    expect(mail!.parsed.subject).not.toMatch(/[\r\n]/);
  });

  it('retries while the SMTP server is down and delivers once when it is back on the same port', async () => {
    const h = (harness = await startHarness());
    const port = h.sink.port;
    await h.sink.stop();
    await h.add(eventOf('new_max_bid', fixture('new_max_bid'), 'dlv-outage'));
    await waitFor(async () => (await stateOf(h, 'dlv-outage')).attemptsMade >= 2, { label: 'two failed attempts' });
    await h.sink.start();
    expect(h.sink.port).toBe(port);
    await completed(h, 'dlv-outage');
    expect(h.sink.messages).toHaveLength(1);
    expect(await h.deadLetters.getJob('dlv-outage')).toBeUndefined();
  });

  it('dead-letters a message the server refuses permanently (550), without retrying', async () => {
    const h = (harness = await startHarness());
    h.sink.rejectRecipients(550);
    await h.add(eventOf('new_payout_request', fixture('new_payout_request'), 'dlv-550'));
    const letter = await waitFor(() => h.deadLetters.getJob('dlv-550'), { label: 'dead letter' });
    expect(letter.data.reason).toBe('smtp_550');
    expect(letter.data.attemptsMade).toBe(1);
    // The kit writes the dead letter, then BullMQ moves the job to failed.
    await waitFor(async () => (await stateOf(h, 'dlv-550')).state === 'failed', { label: 'job failed' });
    expect(h.sink.messages).toHaveLength(0);
  });

  it('retries a temporary refusal (450) and delivers once the server accepts', async () => {
    const h = (harness = await startHarness());
    h.sink.rejectRecipients(450);
    await h.add(eventOf('new_influencer_reply', fixture('new_influencer_reply'), 'dlv-450'));
    await waitFor(async () => (await stateOf(h, 'dlv-450')).attemptsMade >= 2, { label: 'two refused attempts' });
    expect(h.sink.messages).toHaveLength(0);
    h.sink.acceptRecipients();
    await completed(h, 'dlv-450');
    expect(h.sink.messages).toHaveLength(1);
    expect(await h.deadLetters.getJob('dlv-450')).toBeUndefined();
  });

  it('mails a delivery once when the same delivery id is queued again', async () => {
    const h = (harness = await startHarness());
    const event = eventOf('new_payout_request', fixture('new_payout_request'), 'dlv-twice');
    await h.add(event);
    await completed(h, 'dlv-twice');
    // A replay or redelivery: the finished job is gone and the same delivery arrives again.
    await (await h.queue.getJob('dlv-twice'))!.remove();
    await h.add(event);
    await completed(h, 'dlv-twice');
    expect(h.sink.messages).toHaveLength(1);
    expect(h.logs.some((line) => line.includes('already handled'))).toBe(true);
  });

  it('dead-letters a payload that does not match its type schema', async () => {
    const h = (harness = await startHarness());
    const broken = { deal_info: {} } as unknown as ReturnType<typeof fixture<'new_payout_request'>>;
    await h.add(eventOf('new_payout_request', broken, 'dlv-broken'));
    const letter = await waitFor(() => h.deadLetters.getJob('dlv-broken'), { label: 'dead letter' });
    expect(letter.data.reason).toBe('invalid_payload');
    expect(h.sink.messages).toHaveLength(0);
  });
});

import { INBOX_BATCH, catalog, inboxEvents, type InboxJob } from '@herohooks/contracts';
import { captureIo } from '@herohooks/testing/capture-io';
import { makeDeadLetters, makeInboxBatchDeadLetter } from '@herohooks/testing/dead-letters';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { deadLetterJobOptions, openQueuePair, type DeadLetter, type QueuePair } from '@herohooks/worker-kit';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { dlq, type DeadLetterRow } from './dlq';

describe('herohooks dlq', () => {
  let prefix: string;
  let redis: Redis;
  let pairs: Record<'inbox' | 'slack' | 'email' | 'ledger', QueuePair>;
  const run = async (argv: string[]) => {
    const capture = captureIo({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix });
    const status = await runCli(['dlq', ...argv], [dlq], capture.io);
    return { status, stdout: capture.stdout(), stderr: capture.stderr() };
  };
  const listed = async (...argv: string[]) =>
    (JSON.parse((await run(['list', '--json', ...argv])).stdout) as { deadLetters: DeadLetterRow[] }).deadLetters;

  beforeEach(async () => {
    prefix = uniquePrefix('cli-dlq');
    // d-1 failed in two consumers: job ids are delivery ids, shared across consumer queues.
    await Promise.all([
      makeDeadLetters(prefix, 'slack', ['d-1', 'd-2'], 'channel_not_found'),
      makeDeadLetters(prefix, 'email', ['d-1']),
      makeDeadLetters(prefix, 'ledger', ['d-3']),
    ]);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    pairs = {
      inbox: openQueuePair('inbox', redis, prefix),
      slack: openQueuePair('slack', redis, prefix),
      email: openQueuePair('email', redis, prefix),
      ledger: openQueuePair('ledger', redis, prefix),
    };
  });

  afterEach(async () => {
    await Promise.all(Object.values(pairs).map((pair) => pair.close()));
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it('lists every dead letter of every queue as one JSON document', async () => {
    const rows = await listed();
    const where = rows.map((row) => `${row.queue}/${row.id}`).sort();
    expect(where).toEqual(['email/d-1', 'ledger/d-3', 'slack/d-1', 'slack/d-2']);
    expect(rows.find((row) => row.queue === catalog.slack.queue && row.id === 'd-2')).toMatchObject({
      deadLetterQueue: catalog.slack.deadLetterQueue,
      type: 'new_payout_request',
      reason: 'channel_not_found',
      attempts: 1,
      failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('lists the deliveries an inbox dead letter holds, which a replay fans out again', async () => {
    await makeDeadLetters(prefix, 'inbox', ['old-1']);
    const [row] = await listed('--queue', 'inbox');
    expect(row).toMatchObject({ id: 'old-1', type: 'new_payout_request×1', deliveryIds: ['old-1'] });
  });

  it('lists one queue with --queue, as a table', async () => {
    const { status, stdout } = await run(['list', '--queue', 'slack']);
    expect(status).toBe(0);
    const [header, ...lines] = stdout.trimEnd().split('\n');
    expect(header!.split(/\s+/)).toEqual(['id', 'queue', 'type', 'reason', 'attempts', 'failedAt']);
    expect(lines.map((line) => line.split(/\s+/).slice(0, 5)).sort()).toEqual([
      ['d-1', catalog.slack.queue, 'new_payout_request', 'channel_not_found', '1'],
      ['d-2', catalog.slack.queue, 'new_payout_request', 'channel_not_found', '1'],
    ]);
  });

  it('says how many dead letters a queue holds when it lists only the first 1,000', async () => {
    const more = Array.from({ length: 1_001 }, (_, i) => `many-${i}`);
    const letter = (await pairs.slack.deadLetters.getJob('d-1'))!.data;
    await pairs.slack.deadLetters.addBulk(
      more.map((jobId) => ({ name: 'new_payout_request', data: letter, opts: { ...deadLetterJobOptions, jobId } })),
    );
    const document = JSON.parse((await run(['list', '--json', '--queue', 'slack'])).stdout) as {
      deadLetters: DeadLetterRow[];
      totals: Record<string, number>;
    };
    expect(document.deadLetters).toHaveLength(1_000);
    expect(document.totals).toEqual({ [catalog.slack.deadLetterQueue]: 1_003 });
    const { stdout } = await run(['list']);
    expect(stdout).toContain(
      `${catalog.slack.deadLetterQueue}: the first 1,000 of 1,003 dead letters are shown (oldest first); ` +
        'replay and purge with --all handle every one\n',
    );
    expect(stdout).not.toContain(`${catalog.email.deadLetterQueue}: the first`);
  });

  it('replays one dead letter to its queue with the same job id and removes it from the dead-letter queue', async () => {
    const { status, stdout } = await run(['replay', '--queue', 'slack', '--id', 'd-2']);
    expect(status).toBe(0);
    expect(stdout).toBe(`replayed 1 dead letter (${catalog.slack.queue}: 1)\n`);
    const job = await pairs.slack.source.getJob('d-2');
    expect(job?.id).toBe('d-2');
    expect(await job!.getState()).toBe('waiting');
    expect(job!.data).toMatchObject({ deliveryId: 'd-2', type: 'new_payout_request' });
    expect(await pairs.slack.deadLetters.getJob('d-2')).toBeUndefined();
    expect((await listed('--queue', 'slack')).map((row) => row.id)).toEqual(['d-1']);
  });

  it('replays an id from every dead-letter queue that holds it when --queue is left out', async () => {
    const { status } = await run(['replay', '--id', 'd-1']);
    expect(status).toBe(0);
    expect(await pairs.slack.source.getJobState('d-1')).toBe('waiting');
    expect(await pairs.email.source.getJobState('d-1')).toBe('waiting');
    expect((await listed()).map((row) => `${row.queue}/${row.id}`).sort()).toEqual(['ledger/d-3', 'slack/d-2']);
  });

  it('replays every dead letter of a queue with --all', async () => {
    expect((await run(['replay', '--queue', 'slack', '--all'])).status).toBe(0);
    expect(await pairs.slack.source.getWaitingCount()).toBe(2);
    expect(await pairs.slack.deadLetters.getWaitingCount()).toBe(0);
    expect(await pairs.email.deadLetters.getWaitingCount()).toBe(1);
  });

  it('purges one dead letter by id, and all of them with --all, without touching the source queue', async () => {
    expect((await run(['purge', '--queue', 'slack', '--id', 'd-2'])).stdout).toMatch(/^purged 1 dead letter/);
    expect((await listed('--queue', 'slack')).map((row) => row.id)).toEqual(['d-1']);
    const { status, stdout } = await run(['purge', '--all']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^purged 3 dead letters/);
    expect(await listed()).toEqual([]);
    expect(await pairs.slack.source.getFailedCount()).toBe(2);
  });

  it.each(['replay', 'purge'])('%s exits 1 when the id is in no dead-letter queue nor inbox batch', async (verb) => {
    await makeInboxBatchDeadLetter(prefix, 'batch-1', ['in-1', 'in-2']);
    const { status, stderr } = await run([verb, '--id', 'no-such-delivery']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/no dead letter with id no-such-delivery/);
    expect(await listed()).toHaveLength(5);
  });

  describe('--id of a delivery inside a dead-lettered inbox batch', () => {
    beforeEach(() => makeInboxBatchDeadLetter(prefix, 'batch-1', ['in-1', 'in-2', 'in-3']));

    /** An inbox dead letter written straight to the dead-letter queue, with any data. */
    const inboxLetter = (jobId: string, data: unknown): DeadLetter => ({
      consumer: 'inbox',
      queue: catalog.inbox.queue,
      jobId,
      name: INBOX_BATCH,
      data,
      reason: 'invalid_payload',
      error: { name: 'PermanentError', message: 'malformed' },
      attemptsMade: 1,
      enqueuedAt: new Date().toISOString(),
      failedAt: new Date().toISOString(),
    });

    it('reads the inbox a page at a time: list, --id and --all see letters past the first page', async () => {
      const more = Array.from({ length: 230 }, (_, i) => `page-${i}`);
      await pairs.inbox.deadLetters.addBulk(
        more.map((jobId) => ({
          name: INBOX_BATCH,
          data: inboxLetter(jobId, { events: [{ deliveryId: `${jobId}-d` }] }),
          opts: { ...deadLetterJobOptions, jobId },
        })),
      );
      expect(await listed('--queue', 'inbox')).toHaveLength(231);
      const { stdout } = await run(['replay', '--id', 'page-229-d']);
      expect(stdout).toMatch(/^replayed 1 dead letter .*\ndelivery page-229-d is in inbox batch page-229,/);
      expect((await run(['purge', '--queue', 'inbox', '--all'])).stdout).toBe(
        `purged 230 dead letters (${catalog.inbox.queue}: 230)\n`,
      );
    });

    it('replay puts the whole batch back on the inbox under its batch id and says what else it holds', async () => {
      const { status, stdout } = await run(['replay', '--id', 'in-2']);
      expect(status).toBe(0);
      expect(stdout).toBe(
        `replayed 1 dead letter (${catalog.inbox.queue}: 1)\n` +
          'delivery in-2 is in inbox batch batch-1, which holds 2 other deliveries: replayed the batch\n',
      );
      const job = await pairs.inbox.source.getJob('batch-1');
      expect(await job!.getState()).toBe('waiting');
      expect(job!.name).toBe(INBOX_BATCH);
      const deliveryIds = inboxEvents(job!.data as InboxJob).map((event) => event.deliveryId);
      expect(deliveryIds).toEqual(['in-1', 'in-2', 'in-3']);
      expect(await pairs.inbox.deadLetters.getJob('batch-1')).toBeUndefined();
      expect(await listed()).toHaveLength(4);
    });

    it('purge refuses a batch that holds other deliveries, changes nothing, and names the batch id', async () => {
      const { status, stdout, stderr } = await run(['purge', '--id', 'in-2']);
      expect(status).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        'delivery in-2 is in inbox batch batch-1, which holds 2 other deliveries: a purge by delivery id would drop ' +
          'them too, so nothing was purged; to drop the whole batch: herohooks dlq purge --queue inbox --id batch-1\n',
      );
      expect(await listed()).toHaveLength(5);
      expect((await run(['purge', '--queue', 'inbox', '--id', 'batch-1'])).status).toBe(0);
      expect(await listed('--queue', 'inbox')).toEqual([]);
    });

    it('purge drops a batch that holds only that delivery', async () => {
      await makeInboxBatchDeadLetter(prefix, 'batch-2', ['alone']);
      const { status, stdout } = await run(['purge', '--queue', 'inbox', '--id', 'alone']);
      expect(status).toBe(0);
      expect(stdout).toBe(
        `purged 1 dead letter (${catalog.inbox.queue}: 1)\n` +
          'delivery alone is in inbox batch batch-2, which holds no other delivery: purged the batch\n',
      );
      expect((await listed('--queue', 'inbox')).map((row) => row.id)).toEqual(['batch-1']);
      expect(await pairs.inbox.source.getJobState('batch-2')).toBe('failed');
    });

    it('reads past malformed inbox dead letters, which list still shows with the ids it can read', async () => {
      const letters = {
        'bad-null': null,
        'bad-text': 'not an inbox job',
        'bad-events': { events: 'not an array' },
        'bad-some': { events: [null, 42, { deliveryId: 7 }, { deliveryId: 'in-9' }] },
      };
      for (const [jobId, data] of Object.entries(letters)) {
        await pairs.inbox.deadLetters.add(INBOX_BATCH, inboxLetter(jobId, data), { ...deadLetterJobOptions, jobId });
      }
      const { status, stdout } = await run(['replay', '--id', 'in-2']);
      expect(status).toBe(0);
      expect(stdout).toMatch(/^replayed 1 dead letter .*\ndelivery in-2 is in inbox batch batch-1,/);
      expect(await pairs.inbox.source.getJobState('batch-1')).toBe('waiting');
      const rows = await listed('--queue', 'inbox');
      expect(Object.fromEntries(rows.map((row) => [row.id, row.deliveryIds]))).toEqual({
        'bad-null': [],
        'bad-text': [],
        'bad-events': [],
        'bad-some': ['in-9'],
      });
    });
  });

  it.each([
    [[]],
    [['frob']],
    [['replay']],
    [['replay', '--id', 'd-1', '--all']],
    [['purge', '--queue', 'nope', '--all']],
    [['list', '--queue', 'nope']],
    [['list', '--all']],
    [['purge', '--all', '--json']],
    [['list', 'extra']],
    [['list', '--verbose']],
  ])('exits 2 on bad usage %j and changes nothing', async (argv) => {
    const { status, stderr } = await run(argv);
    expect(status).toBe(2);
    expect(stderr).toMatch(/usage: herohooks dlq/);
    expect(await listed()).toHaveLength(4);
  });
});

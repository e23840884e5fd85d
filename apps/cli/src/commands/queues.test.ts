import { catalog, consumerNames, jobOptions } from '@herohooks/contracts';
import { captureIo } from '@herohooks/testing/capture-io';
import { makeDeadLetters, sampleEvent } from '@herohooks/testing/dead-letters';
import { dropPrefix, testRedisUrl, uniquePrefix } from '@herohooks/testing/redis';
import { openQueuePair } from '@herohooks/worker-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import type { QueueCounts } from './queues';
import { queues } from './queues';

describe('herohooks queues', () => {
  const prefix = uniquePrefix('cli-queues');
  const env = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix };
  const run = async (argv: string[], environment: NodeJS.ProcessEnv = env) => {
    const capture = captureIo(environment);
    const status = await runCli(argv, [queues], capture.io);
    return { status, stdout: capture.stdout(), stderr: capture.stderr() };
  };

  beforeAll(async () => {
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const ledger = openQueuePair('ledger', redis, prefix);
    const email = openQueuePair('email', redis, prefix);
    await ledger.source.add('new_payout_request', sampleEvent('w-1'), jobOptions(catalog.ledger, 'w-1'));
    await ledger.source.add('new_payout_request', sampleEvent('w-2'), jobOptions(catalog.ledger, 'w-2'));
    const later = { ...jobOptions(catalog.email, 'l-1'), delay: 600_000 };
    await email.source.add('new_payout_request', sampleEvent('l-1'), later);
    await Promise.all([ledger.close(), email.close()]);
    redis.disconnect();
    await makeDeadLetters(prefix, 'slack', ['d-1', 'd-2']);
  });

  afterAll(() => dropPrefix(prefix));

  it('prints one JSON document with the counts of every catalog queue, dead = its dead-letter queue', async () => {
    const { status, stdout } = await run(['queues', '--json']);
    expect(status).toBe(0);
    const rows = (JSON.parse(stdout) as { queues: QueueCounts[] }).queues;
    expect(rows.map((row) => row.queue)).toEqual(consumerNames.map((name) => catalog[name].queue));
    const byQueue = Object.fromEntries(rows.map((row) => [row.queue, row]));
    expect(byQueue[catalog.ledger.queue]).toMatchObject({ waiting: 2, active: 0, delayed: 0, failed: 0, dead: 0 });
    expect(byQueue[catalog.email.queue]).toMatchObject({ waiting: 0, delayed: 1, dead: 0 });
    expect(byQueue[catalog.slack.queue]).toMatchObject({
      waiting: 0,
      failed: 2,
      dead: 2,
      deadLetterQueue: catalog.slack.deadLetterQueue,
    });
    // Each dead letter also raised one alert job.
    expect(byQueue[catalog.alerts.queue]).toMatchObject({ waiting: 2 });
  });

  it('prints a table with a header and one row per queue', async () => {
    const { status, stdout } = await run(['queues']);
    expect(status).toBe(0);
    const [header, ...lines] = stdout.trimEnd().split('\n');
    expect(header!.split(/\s+/)).toEqual(['queue', 'waiting', 'active', 'delayed', 'completed', 'failed', 'dead']);
    expect(lines).toHaveLength(consumerNames.length);
    const slack = lines.find((line) => line.startsWith(`${catalog.slack.queue} `));
    expect(slack!.split(/\s+/)).toEqual([catalog.slack.queue, '0', '0', '0', '0', '2', '2']);
  });

  it.each([[['queues', 'extra']], [['queues', '--verbose']]])('exits 2 on bad usage %j', async (argv) => {
    const { status, stderr } = await run(argv);
    expect(status).toBe(2);
    expect(stderr).toMatch(/usage: herohooks queues/);
  });

  it('exits 1 with one line when Redis cannot be reached', async () => {
    const { status, stdout, stderr } = await run(['queues'], { REDIS_URL: 'redis://127.0.0.1:1', QUEUE_PREFIX: prefix });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluencerHeroStub, type InfluencerHeroStub } from '@herohooks/testing/influencer-hero-stub';
import { createTestSchema, type TestSchema } from '@herohooks/testing/postgres';
import { uniquePrefix } from '@herohooks/testing/redis';
import { startSlackStub, type SlackStub } from '@herohooks/testing/slack-stub';
import { rawHeader, startSmtpSink, type SmtpSink } from '@herohooks/testing/smtp-sink';
import { waitFor } from '@herohooks/testing/wait';
import {
  EMAIL_DELIVERY_HEADER,
  catalog,
  consumerNames,
  emailDeliveryIds,
  emailMessageId,
  slackDeliveryIds,
  webhookTypes,
  type WebhookType,
} from '@herohooks/contracts';
import { uniqueDeliveries, uniqueReferrals } from './harness/deliveries';
import { startFaultProxy, type FaultProxy } from './harness/fault-proxy';
import { freePort } from './harness/free-port';
import { bookedDeliveryIds } from './harness/ledger';
import { countLogMessages, scanLogsForSecrets } from './harness/log-scan';
import { ProcessGroup, waitUntilReady } from './harness/process-group';
import { drained, queueCounts, type QueueCounts } from './harness/queues';
import { startRedisServer, type RedisServer } from './harness/redis-server';
import { runSchedule, type Step } from './harness/schedule';
import { sendSteadily, signedWebhook, trackingCall, type SendOutcome } from './harness/sender';
import { SlackFaults } from './harness/slack-faults';
import { tally } from './harness/tally';

// Load: bounded in count and time (2,400 requests at 50/s ≈ 48 s of sending), modest for a 2-core machine.
const WEBHOOKS = 2_200;
const REFERRALS = 200;
const RATE_PER_SECOND = 50;
const DRAIN_TIMEOUT_MS = 120_000;

const RUN = randomUUID().slice(0, 8);
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const secrets = {
  webhookSecret: secret('whsec'),
  trackingApiKey: secret('trk'),
  otherTrackingApiKey: secret('trk'),
  slackBotToken: secret('xoxb'),
  smtpPassword: secret('smtp'),
  influencerHeroApiKey: secret('ihk'),
};

const workers = ['router', 'worker-ledger', 'worker-slack', 'worker-email', 'worker-tracking'] as const;
const emailed = new Set<WebhookType>(catalog.email.defaultTypes);

let redis: RedisServer;
let schema: TestSchema;
let slack: SlackStub;
let slackProxy: FaultProxy;
let smtp: SmtpSink;
let influencerHero: InfluencerHeroStub;
let group: ProcessGroup;
let ingressUrl: string;
const prefix = uniquePrefix('chaos');
const slackFaults = new SlackFaults(5);

beforeAll(async () => {
  [redis, schema, slack, smtp, influencerHero] = await Promise.all([
    startRedisServer('always'),
    createTestSchema('chaos'),
    startSlackStub(secrets.slackBotToken),
    startSmtpSink({ auth: { user: 'herohooks', pass: secrets.smtpPassword } }),
    startInfluencerHeroStub(secrets.influencerHeroApiKey),
  ]);
  slackProxy = await startFaultProxy(slack.url, slackFaults.decide);
  const port = await freePort();
  ingressUrl = `http://127.0.0.1:${port}`;
  group = new ProcessGroup({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
  group.start('ingress', {
    PORT: String(port),
    HOST: '127.0.0.1',
    IH_WEBHOOK_SECRETS: secrets.webhookSecret,
    TRACKING_API_KEYS: `${secrets.otherTrackingApiKey},${secrets.trackingApiKey}`,
  });
  group.start('router');
  group.start('worker-ledger', { DATABASE_URL: schema.url });
  group.start('worker-slack', {
    SLACK_BOT_TOKEN: secrets.slackBotToken,
    SLACK_API_URL: slackProxy.url,
    SLACK_CHANNEL: '#e2e-default',
    // Half the types get their own channel, the rest share the default one.
    ...Object.fromEntries(webhookTypes.filter((_, i) => i % 2 === 0).map((type) => [`SLACK_CHANNEL_${type.toUpperCase()}`, `#e2e-${type}`])),
    SLACK_CHANNEL_INTERVAL_MS: '0',
  });
  group.start('worker-email', { SMTP_URL: smtp.url(), EMAIL_FROM: 'Herohooks <herohooks@example.com>', EMAIL_TO: 'ops@example.com' });
  group.start('worker-tracking', { IH_API_URL: influencerHero.url, IH_API_KEY: secrets.influencerHeroApiKey });
  await waitUntilReady(ingressUrl);
});

afterAll(async () => {
  await group?.stopAll();
  await Promise.allSettled([redis?.stop(), schema?.drop(), slackProxy?.close(), slack?.close(), smtp?.stop(), influencerHero?.close()]);
  group?.removeLogs();
});

/**
 * The fixed fault plan, as offsets from the first request (sending lasts about 48 s). Workers are killed in the
 * first half: a killed worker's active jobs come back only when BullMQ's stalled check finds their lock expired
 * (lockDuration 30 s, checked every 30 s), so each kill leaves a tail of up to about a minute.
 */
function faultPlan(): Step[] {
  const kill = (name: string) => () => group.get(name).restart();
  return [
    { atMs: 2_000, name: 'Slack: 8 calls answered 429 Retry-After: 1', run: () => slackFaults.rateLimitBurst(8) },
    { atMs: 3_000, name: 'SIGKILL router', run: kill('router') },
    { atMs: 5_000, name: 'SMTP server down', run: () => smtp.stop() },
    { atMs: 6_000, name: 'SIGKILL worker-ledger', run: kill('worker-ledger') },
    { atMs: 9_000, name: 'SIGKILL ingress', run: kill('ingress') },
    { atMs: 11_000, name: 'SIGKILL worker-slack', run: kill('worker-slack') },
    { atMs: 14_000, name: 'Slack: 8 calls answered 429 Retry-After: 1', run: () => slackFaults.rateLimitBurst(8) },
    { atMs: 15_000, name: 'SMTP server back (down 10 s)', run: () => smtp.start() },
    { atMs: 17_000, name: 'SIGKILL worker-email', run: kill('worker-email') },
    { atMs: 19_000, name: 'SIGKILL worker-tracking', run: kill('worker-tracking') },
    { atMs: 21_000, name: 'SIGKILL router (again)', run: kill('router') },
    { atMs: 25_000, name: 'Redis crash (SIGKILL), back after 1 s', run: () => redis.crashAndRestart(1_000) },
    { atMs: 30_000, name: 'Slack: 8 calls answered 429 Retry-After: 1', run: () => slackFaults.rateLimitBurst(8) },
    { atMs: 36_000, name: 'SIGKILL ingress (again)', run: kill('ingress') },
  ];
}

/** The deliveries an email carries, read from its raw header without a MIME parser. */
const deliveriesOf = (raw: string) => emailDeliveryIds(rawHeader(raw, EMAIL_DELIVERY_HEADER));

/** The Message-ID an email carrying these deliveries has (one delivery: `<id@herohooks>`). */
const messageIdFits = (messageId: string | undefined, ids: readonly string[]) => messageId === emailMessageId(ids);

describe('the whole pipeline under crashes, restarts and outages', () => {
  it('books, posts and mails every accepted delivery exactly once, loses none and dead-letters none', async () => {
    const deliveries = uniqueDeliveries(WEBHOOKS, RUN);
    const referrals = uniqueReferrals(REFERRALS, RUN);
    // One referral after every 11 webhooks: both kinds flow through the whole run.
    const requests = deliveries.flatMap((delivery, i) => {
      const webhook = signedWebhook(delivery, secrets.webhookSecret);
      const referral = i % 11 === 10 ? referrals[(i - 10) / 11] : undefined;
      return referral ? [webhook, trackingCall('referrals', referral, secrets.trackingApiKey)] : [webhook];
    });
    expect(requests).toHaveLength(WEBHOOKS + REFERRALS);

    const sendStarted = Date.now();
    const [outcomes, steps] = await Promise.all([
      sendSteadily(requests, { url: ingressUrl, ratePerSecond: RATE_PER_SECOND, maxRetryMs: 30_000 }),
      runSchedule(faultPlan(), (line) => console.log(`[chaos] ${line}`)),
    ]);
    const sendSeconds = (Date.now() - sendStarted) / 1_000;

    // Wait (bounded) until every queue is empty: nothing waiting, active, delayed or paused anywhere.
    const drainStarted = Date.now();
    let counts: Record<string, QueueCounts> = {};
    await waitFor(
      async () => {
        counts = await queueCounts(redis.url, prefix, consumerNames);
        return drained(counts);
      },
      { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 1_000, label: 'every queue to drain' },
    ).catch((error: Error) => {
      console.log('[chaos] queues at the drain timeout', counts);
      throw error;
    });
    const drainSeconds = (Date.now() - drainStarted) / 1_000;
    const exits = group.unexpectedExits();
    await group.stopAll();

    // --- what the sender saw
    const webhookOutcomes = outcomes.filter((o) => o.path.startsWith('/webhooks/'));
    const trackingOutcomes = outcomes.filter((o) => o.path.startsWith('/track/'));
    const answered = (o: SendOutcome) => o.status === 202 || (o.status === 200 && o.duplicate);
    const gaveUp = outcomes.filter((o) => !answered(o));
    const typeOf = new Map<string, WebhookType>();
    webhookOutcomes.forEach((o, i) => typeOf.set(o.id, deliveries[i]!.type));
    const accepted = new Set(webhookOutcomes.map((o) => o.id));

    // --- what landed
    const ledgerRows = await bookedDeliveryIds(schema.url);
    const slackPosts = tally(slack.posted().flatMap((call) => slackDeliveryIds(call.body.metadata)));
    const emails = tally(smtp.messages.flatMap((mail) => deliveriesOf(mail.raw)));
    const messageIdsMatch = smtp.messages.every((mail) => messageIdFits(mail.parsed.messageId, deliveriesOf(mail.raw)));
    const expectedEmails = [...accepted].filter((id) => emailed.has(typeOf.get(id)!));
    const referralCalls = tally(influencerHero.callsTo('/v1/crm/new_influencer_referral').filter((c) => c.status === 200).map((c) => String(c.body.order_id)));
    const bookedReferrals = new Set(influencerHero.referrals().map((r) => String(r.order_id)));
    // When each copy of a repeated email arrived, against the fault plan's clock, to tell which fault caused it.
    const emailRepeats = Object.entries(emails.counts)
      .filter(([, n]) => n > 1)
      .map(([id]) => smtp.messages.filter((m) => deliveriesOf(m.raw).includes(id)).map((m) => `t+${((m.at - sendStarted) / 1000).toFixed(1)}s`).join(' '));
    const logged = (app: string, msg: string) => countLogMessages(group.get(app).logFile, msg);

    const summary = {
      sent: { webhooks: webhookOutcomes.length, referrals: trackingOutcomes.length, seconds: sendSeconds, drainSeconds },
      sender: {
        accepted202: outcomes.filter((o) => o.status === 202).length,
        duplicate200: outcomes.filter((o) => o.status === 200 && o.duplicate).length,
        retried: outcomes.filter((o) => o.tries > 1).length,
        maxTries: Math.max(...outcomes.map((o) => o.tries)),
        gaveUp: gaveUp.length,
        gaveUpStatuses: tally(gaveUp.map((o) => String(o.status))).counts,
      },
      deliveries: accepted.size,
      ledger: { rows: ledgerRows.length, distinct: new Set(ledgerRows).size },
      slack: { posts: slackPosts.total, distinct: slackPosts.distinct, rawDuplicates: slackPosts.total - slackPosts.distinct },
      email: {
        expected: expectedEmails.length,
        emails: smtp.messages.length,
        deliveries: emails.total,
        distinct: emails.distinct,
        rawDuplicates: emails.total - emails.distinct,
        repeatedCopiesArrivedAt: emailRepeats,
      },
      redeliveredAfterDone: {
        slackReconciledFromHistory: logged('worker-slack', 'already posted; reconciled'),
        slackSkippedByDoneMark: logged('worker-slack', 'already handled; skipped'),
        emailSkippedByDoneMark: logged('worker-email', 'already handled; skipped'),
      },
      referrals: { sent: trackingOutcomes.length, booked: bookedReferrals.size, calls200: referralCalls.total },
      faults: {
        slackPostCalls: slackFaults.posts,
        slack503: slackFaults.serverErrors,
        slack429: slackFaults.rateLimited,
        restarts: Object.fromEntries(['ingress', ...workers].map((name) => [name, group.get(name).restarts])),
        steps: steps.map((s) => `t+${(s.startedMs / 1000).toFixed(1)}s ${s.name}`),
      },
      queues: counts,
      unexpectedExits: exits,
    };
    console.log(`[chaos] counts\n${JSON.stringify(summary, null, 2)}`);
    mkdirSync('.test-results', { recursive: true });
    writeFileSync('.test-results/chaos-counts.json', `${JSON.stringify(summary, null, 2)}\n`);

    // No request was lost: each one ended with an answer (202, or 200 naming the first copy's id).
    expect(gaveUp).toEqual([]);
    expect(accepted.size).toBe(WEBHOOKS);
    expect(accepted.has('')).toBe(false);
    // Ledger: exactly the accepted deliveries, each once.
    expect(ledgerRows).toHaveLength(WEBHOOKS);
    expect(new Set(ledgerRows)).toEqual(accepted);
    // Slack: one message per delivery, read back from what the Slack API received (raw, not deduplicated).
    expect(new Set(slackPosts.keys)).toEqual(accepted);
    expect(slackPosts.total).toBe(WEBHOOKS);
    // Email: every routed delivery mailed, counted by X-Herohooks-Delivery (an email may carry several), and each
    // Message-ID what its deliveries make. A raw repeat is possible only if a worker died between the SMTP
    // server's acknowledgement of DATA and the done mark (SMTP cannot be read back); it is printed above.
    expect(new Set(emails.keys)).toEqual(new Set(expectedEmails));
    expect(messageIdsMatch).toBe(true);
    // Referrals: every accepted one booked on the platform once.
    expect(trackingOutcomes.every((o) => o.status === 202)).toBe(true);
    expect(bookedReferrals).toEqual(new Set(referrals.map((r) => r.order_id)));
    // Nothing was designed to fail in this scenario: no failed job, no dead letter, no alert.
    for (const consumer of consumerNames) {
      expect({ consumer, failed: counts[consumer]!.failed, dead: counts[consumer]!.dead }).toEqual({ consumer, failed: 0, dead: 0 });
    }
    expect(counts.alerts!.completed).toBe(0);
    // The faults really happened, and no process died on its own.
    expect(slackFaults.serverErrors).toBeGreaterThan(0);
    expect(slackFaults.rateLimited).toBe(24);
    for (const name of ['ingress', ...workers]) expect(group.get(name).restarts).toBeGreaterThanOrEqual(1);
    expect(exits).toEqual({});
  });

  it('writes no secret into any log line of any process', () => {
    const scan = scanLogsForSecrets(group.logFiles(), secrets);
    console.log(`[chaos] scanned ${scan.lines} log lines in ${scan.files} files for ${Object.keys(secrets).length} secrets`);
    expect(scan.lines).toBeGreaterThan(WEBHOOKS);
    expect(scan.leaks).toEqual([]);
  });
});

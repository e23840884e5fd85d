import { webhookTypes, type WebhookType } from '@herohooks/contracts';
import { Bool, EnvError, loadEnv, parseEnv } from '@herohooks/runtime';
import { WorkerEnv, type WorkerEnvValues } from '@herohooks/worker-kit';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { DEFAULT_CHANNEL_INTERVAL_MS } from './slack/channel-slot';
import type { PosterOptions } from './slack/poster';

const Name = Type.String({ minLength: 1 });
const CHANNEL_OVERRIDE_PREFIX = 'SLACK_CHANNEL_';

/** SLACK_CHANNEL_NEW_PAYOUT_REQUEST for new_payout_request. */
export function channelVariable(type: WebhookType): string {
  return `${CHANNEL_OVERRIDE_PREFIX}${type.toUpperCase()}`;
}

const base = {
  ...WorkerEnv,
  SLACK_BOT_TOKEN: Type.Optional(Name),
  SLACK_API_URL: Type.String({ default: 'https://slack.com/api/', pattern: '^https?://' }),
  SLACK_DRY_RUN: Bool(false),
  SLACK_CHANNEL: Type.Optional(Name),
  SLACK_ALERT_CHANNEL: Type.Optional(Name),
  SLACK_CHANNEL_INTERVAL_MS: Type.Integer({ minimum: 0, default: DEFAULT_CHANNEL_INTERVAL_MS }),
  SLACK_DELIVERIES_PER_MESSAGE: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
};

export const SlackEnv = Type.Object({
  ...base,
  ...Object.fromEntries(webhookTypes.map((type) => [channelVariable(type), Type.Optional(Name)])),
});
export type SlackEnv = Static<TObject<typeof base>> & Partial<Record<string, unknown>>;

export interface SlackConfig {
  worker: WorkerEnvValues;
  /** Undefined only in dry-run. */
  token: string | undefined;
  apiUrl: string;
  dryRun: boolean;
  channels: Record<WebhookType, string>;
  /** Where dead-letter alerts go; undefined = they are only logged. */
  alertChannel: string | undefined;
  /** The pace per channel and how many deliveries one message may carry. */
  posting: PosterOptions;
}

/** The rules one variable alone cannot state; `source` is checked for misspelt channel overrides. */
export function slackConfig(env: SlackEnv, source: NodeJS.ProcessEnv = process.env): SlackConfig {
  const problems: string[] = [];
  if (!env.SLACK_BOT_TOKEN && !env.SLACK_DRY_RUN) problems.push('SLACK_BOT_TOKEN is required unless SLACK_DRY_RUN=true');
  // SLACK_CHANNEL_INTERVAL_MS shares the override prefix: every variable of the schema is known.
  const known = new Set(Object.keys(SlackEnv.properties));
  const unknown = Object.keys(source).filter((key) => key.startsWith(CHANNEL_OVERRIDE_PREFIX) && !known.has(key));
  if (unknown.length > 0) problems.push(`${unknown.join(', ')} names no webhook type`);
  const channelOf = (type: WebhookType) => {
    const override = env[channelVariable(type)];
    return typeof override === 'string' ? override : env.SLACK_CHANNEL;
  };
  const unrouted = webhookTypes.filter((type) => channelOf(type) === undefined);
  if (unrouted.length === webhookTypes.length) problems.push('SLACK_CHANNEL is required');
  else if (unrouted.length > 0) problems.push(`SLACK_CHANNEL is required (no channel for ${unrouted.join(', ')})`);
  if (problems.length > 0) throw new EnvError(`invalid environment: ${problems.join('; ')}`);
  return {
    worker: env,
    token: env.SLACK_BOT_TOKEN,
    apiUrl: env.SLACK_API_URL,
    dryRun: env.SLACK_DRY_RUN,
    channels: Object.fromEntries(webhookTypes.map((type) => [type, channelOf(type)])) as Record<WebhookType, string>,
    alertChannel: env.SLACK_ALERT_CHANNEL,
    posting: { channelIntervalMs: env.SLACK_CHANNEL_INTERVAL_MS, deliveriesPerMessage: env.SLACK_DELIVERIES_PER_MESSAGE },
  };
}

/** For tests and the CLI: parse and check, throwing EnvError with one line. */
export function parseSlackConfig(source: NodeJS.ProcessEnv): SlackConfig {
  return slackConfig(parseEnv(SlackEnv, source) as SlackEnv, source);
}

/** For main.ts: parse and check once, or print the one line and exit 1. */
export function loadSlackConfig(): SlackConfig {
  const env = loadEnv(SlackEnv) as SlackEnv;
  try {
    return slackConfig(env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

import { EnvError } from '@herohooks/runtime';
import { describe, expect, it } from 'vitest';
import { parseSlackConfig } from './env';

describe('parseSlackConfig', () => {
  it('routes every type to SLACK_CHANNEL unless SLACK_CHANNEL_<TYPE> overrides it', () => {
    const config = parseSlackConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_CHANNEL: 'C-default',
      SLACK_CHANNEL_NEW_PAYOUT_REQUEST: 'C-payouts',
    });
    expect(config.channels.new_payout_request).toBe('C-payouts');
    expect(config.channels.new_influencer_order).toBe('C-default');
    expect(config.apiUrl).toBe('https://slack.com/api/');
    expect(config.dryRun).toBe(false);
    expect(config.alertChannel).toBeUndefined();
  });

  it('paces each channel at 1000 ms unless SLACK_CHANNEL_INTERVAL_MS says otherwise; 0 turns it off', () => {
    const base = { SLACK_BOT_TOKEN: 'x', SLACK_CHANNEL: 'C1' };
    expect(parseSlackConfig(base).posting.channelIntervalMs).toBe(1_000);
    expect(parseSlackConfig({ ...base, SLACK_CHANNEL_INTERVAL_MS: '250' }).posting.channelIntervalMs).toBe(250);
    expect(parseSlackConfig({ ...base, SLACK_CHANNEL_INTERVAL_MS: '0' }).posting.channelIntervalMs).toBe(0);
  });

  it('lets up to 10 deliveries share a message unless SLACK_DELIVERIES_PER_MESSAGE says otherwise (1 to 50)', () => {
    const base = { SLACK_BOT_TOKEN: 'x', SLACK_CHANNEL: 'C1' };
    expect(parseSlackConfig(base).posting.deliveriesPerMessage).toBe(10);
    expect(parseSlackConfig({ ...base, SLACK_DELIVERIES_PER_MESSAGE: '1' }).posting.deliveriesPerMessage).toBe(1);
    expect(() => parseSlackConfig({ ...base, SLACK_DELIVERIES_PER_MESSAGE: '0' })).toThrow(/SLACK_DELIVERIES_PER_MESSAGE/);
    expect(() => parseSlackConfig({ ...base, SLACK_DELIVERIES_PER_MESSAGE: '51' })).toThrow(/SLACK_DELIVERIES_PER_MESSAGE/);
  });

  it('needs no token in dry-run', () => {
    expect(parseSlackConfig({ SLACK_DRY_RUN: 'true', SLACK_CHANNEL: 'C1' }).token).toBeUndefined();
  });

  it.each([
    [{ SLACK_CHANNEL: 'C1' }, 'SLACK_BOT_TOKEN is required unless SLACK_DRY_RUN=true'],
    [{ SLACK_BOT_TOKEN: 'x', SLACK_CHANNEL_NEW_MAX_BID: 'C2' }, 'SLACK_CHANNEL is required (no channel for new_payout_request,'],
    [{ SLACK_BOT_TOKEN: 'x', SLACK_CHANNEL: 'C1', SLACK_CHANNEL_NEW_PAYOUT: 'C2' }, 'SLACK_CHANNEL_NEW_PAYOUT names no webhook type'],
    [{ SLACK_BOT_TOKEN: 'x', SLACK_CHANNEL: 'C1', SLACK_API_URL: 'ftp://x' }, 'SLACK_API_URL'],
    [{ SLACK_BOT_TOKEN: 'x', SLACK_CHANNEL: 'C1', SLACK_CHANNEL_INTERVAL_MS: '-1' }, 'SLACK_CHANNEL_INTERVAL_MS'],
    [{ SLACK_BOT_TOKEN: 'x', SLACK_CHANNEL: 'C1', SLACK_CHANNEL_INTERVAL_MS: 'soon' }, 'SLACK_CHANNEL_INTERVAL_MS'],
  ])('fails fast with one line for %j', (source, message) => {
    const attempt = () => parseSlackConfig(source);
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

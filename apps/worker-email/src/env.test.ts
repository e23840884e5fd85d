import { EnvError } from '@herohooks/runtime';
import { describe, expect, it } from 'vitest';
import { parseEmailEnv } from './env';

const complete = {
  SMTP_URL: 'smtp://mailer:hunter2@mail.example.com:587',
  EMAIL_FROM: 'Herohooks <alerts@example.com>',
  EMAIL_TO: 'ops@example.com',
};

describe('email worker environment', () => {
  it('sends each type to EMAIL_TO unless EMAIL_TO_<TYPE> names its own list', () => {
    const env = parseEmailEnv({ ...complete, EMAIL_TO_NEW_PAYOUT_REQUEST: 'finance@example.com, cfo@example.com' });
    expect(env.recipients.new_payout_request).toEqual(['finance@example.com', 'cfo@example.com']);
    expect(env.recipients.new_max_bid).toEqual(['ops@example.com']);
    expect(env.smtp).toEqual({ url: complete.SMTP_URL, from: complete.EMAIL_FROM });
  });

  it('needs SMTP_URL, EMAIL_FROM and EMAIL_TO unless in dry-run, and says so in one line', () => {
    expect(() => parseEmailEnv({ EMAIL_TO: 'ops@example.com' })).toThrow(
      new EnvError('invalid environment: SMTP_URL, EMAIL_FROM required unless EMAIL_DRY_RUN=true'),
    );
    const dry = parseEmailEnv({ EMAIL_DRY_RUN: 'true' });
    expect(dry.smtp).toBeNull();
    expect(dry.recipients.new_payout_request).toEqual([]);
  });

  it.each([
    ['SMTP_URL', 'http://mail.example.com'],
    ['EMAIL_FROM', 'not an address'],
    ['EMAIL_TO', 'ops@example.com, '],
    ['EMAIL_TO', 'ops@example.com\r\nBcc: evil@example.com'],
    ['EMAIL_TO_NEW_MAX_BID', 'bids@example.com; other@example.com'],
  ])('refuses %s=%j', (key, value) => {
    expect(() => parseEmailEnv({ ...complete, [key]: value })).toThrow(EnvError);
  });

  it('never echoes the SMTP password in its error line', () => {
    let message = '';
    try {
      parseEmailEnv({ ...complete, SMTP_URL: 'smtp://mailer:hunter2@mail.example.com:587 extra', EMAIL_FROM: '' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid environment: SMTP_URL /);
    expect(message).not.toContain('hunter2');
  });
});

import type { DeadLetterAlert } from '@herohooks/contracts';
import { describe, expect, it } from 'vitest';
import { renderAlert } from './alert';

const batchAlert = (deliveryIds: string[]): DeadLetterAlert => ({
  consumer: 'inbox',
  deadLetterQueue: 'inbox-dlq',
  deliveryId: 'batch-1',
  type: 'deliveries',
  reason: 'attempts_exhausted',
  failedAt: '2025-03-21T12:00:00.000Z',
  deliveryIds,
});

describe('renderAlert', () => {
  it('names every delivery of a small inbox batch', () => {
    const text = JSON.stringify(renderAlert(batchAlert(['d-1', 'd-2'])).blocks);
    expect(text).toContain('inbox batch of 2 deliveries');
    expect(text).toContain('`d-1`, `d-2`');
    expect(text).not.toContain('more');
  });

  it('falls back to the plain alert when no delivery id of the batch could be read', () => {
    const text = JSON.stringify(renderAlert(batchAlert([])).blocks);
    expect(text).toContain('Delivery dead-lettered');
    expect(text).toContain('`batch-1`');
    expect(text).not.toContain('0 deliveries');
  });
});

import { describe, expect, it } from 'vitest';
import { slackDeliveryIds, slackDeliveryMetadata } from './slack-metadata';

describe('the Slack delivery metadata', () => {
  it('names one delivery as delivery_id, as every earlier release did', () => {
    expect(slackDeliveryMetadata(['dlv-1'])).toEqual({ event_type: 'herohooks_delivery', event_payload: { delivery_id: 'dlv-1' } });
    expect(slackDeliveryIds(slackDeliveryMetadata(['dlv-1']))).toEqual(['dlv-1']);
  });

  it('names every delivery of a shared message, in order', () => {
    const metadata = slackDeliveryMetadata(['a', 'b', 'c']);
    expect(metadata.event_payload).toEqual({ deliveries: [{ delivery_id: 'a' }, { delivery_id: 'b' }, { delivery_id: 'c' }] });
    expect(slackDeliveryIds(metadata)).toEqual(['a', 'b', 'c']);
  });

  it('reads no delivery from metadata that is not ours or is malformed', () => {
    expect(slackDeliveryIds(undefined)).toEqual([]);
    expect(slackDeliveryIds({ event_type: 'task_created', event_payload: { delivery_id: 'x' } })).toEqual([]);
    expect(slackDeliveryIds({ event_type: 'herohooks_delivery', event_payload: { deliveries: 'x' } })).toEqual([]);
    expect(slackDeliveryIds({ event_type: 'herohooks_delivery', event_payload: { deliveries: [null, { delivery_id: 7 }, { delivery_id: 'y' }] } })).toEqual(['y']);
  });
});

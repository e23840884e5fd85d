import { describe, expect, it } from 'vitest';
import { emailDeliveryHeader, emailDeliveryIds } from './email-delivery-header';

describe('the email delivery header', () => {
  it('names one delivery as its id alone, as every earlier release did', () => {
    expect(emailDeliveryHeader(['dlv-1'])).toBe('dlv-1');
    expect(emailDeliveryIds('dlv-1')).toEqual(['dlv-1']);
  });

  it('names every delivery of a shared email in order, and reads them back folded or not', () => {
    expect(emailDeliveryHeader(['a', 'b', 'c'])).toBe('a, b, c');
    expect(emailDeliveryIds('a,\r\n b,c ')).toEqual(['a', 'b', 'c']);
  });

  it('reads no delivery from a missing or empty header', () => {
    expect(emailDeliveryIds(undefined)).toEqual([]);
    expect(emailDeliveryIds(' , ')).toEqual([]);
  });
});

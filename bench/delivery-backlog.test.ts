import { describe, expect, it } from 'vitest';
import { backlogFlat, deliveryBacklog } from './delivery-backlog';

const every = (stepMs: number, count: number, offsetMs = 0) =>
  Array.from({ length: count }, (_, i) => offsetMs + i * stepMs);

describe('deliveryBacklog', () => {
  it('is flat when a sink keeps up, even 3 s behind: the first seconds fill the backlog, then it holds', () => {
    // 2,000/s for 15 s, each delivery at its sink 3 s after its accept.
    const accepted = every(0.5, 30_000);
    const backlog = deliveryBacklog([{ name: 'slack', accepted, received: accepted.map((t) => t + 3_000) }]);
    expect(Math.abs(backlog.slopePerS)).toBeLessThan(5);
    expect(backlog.max).toBeGreaterThan(5_900);
    expect(backlogFlat(backlog)).toBe(true);
  });

  it('grows by the shortfall per second when a sink gets fewer deliveries a second than arrive', () => {
    // 100/s accepted for 10 s; the ledger keeps up, the slow sink gets 80/s: 20 more waiting every second.
    const accepted = every(10, 1_000);
    const backlog = deliveryBacklog([
      { name: 'ledger', accepted, received: accepted.map((t) => t + 5) },
      { name: 'slack', accepted, received: every(12.5, 800) },
    ]);
    expect(backlog.slopePerS).toBeGreaterThan(18);
    expect(backlog.slopePerS).toBeLessThan(22);
    expect(backlog.bySink.ledger).toEqual({ ratePerS: 100, slopePerS: expect.closeTo(0, 0) });
    expect(backlog.bySink.slack!.slopePerS).toBeCloseTo(backlog.slopePerS, 0);
    expect(backlogFlat(backlog)).toBe(false);
  });

  it('judges each sink against its own rate', () => {
    // The email sink gets a tenth of the deliveries and falls behind by 5/s: small beside 1,000/s, not beside 100/s.
    const all = every(1, 10_000);
    const emails = every(10, 1_000);
    const backlog = deliveryBacklog([
      { name: 'ledger', accepted: all, received: all.map((t) => t + 5) },
      { name: 'email', accepted: emails, received: every(1000 / 95, 950) },
    ]);
    expect(backlog.slopePerS).toBeLessThan(0.02 * 1_100);
    expect(backlogFlat(backlog)).toBe(false);
  });

  it('takes a phase of 2,000/s for 60 s across three sinks (360,000 times)', () => {
    const accepted = every(0.5, 120_000);
    const sink = (name: string) => ({ name, accepted, received: accepted.map((t) => t + 20) });
    expect(backlogFlat(deliveryBacklog([sink('ledger'), sink('slack'), sink('email')]))).toBe(true);
  });

  it('counts only the deliveries routed to a sink, and nothing when there were none', () => {
    expect(deliveryBacklog([])).toEqual({ last: 0, max: 0, slopePerS: 0, bySink: {} });
    expect(deliveryBacklog([{ name: 'email', accepted: every(100, 20), received: [] }]).last).toBe(20);
  });
});

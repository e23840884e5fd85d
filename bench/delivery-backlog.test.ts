import { describe, expect, it } from 'vitest';
import { deliveryBacklog } from './delivery-backlog';

const every = (stepMs: number, count: number, offsetMs = 0) => Array.from({ length: count }, (_, i) => offsetMs + i * stepMs);

describe('deliveryBacklog', () => {
  it('is flat when each sink gets every delivery soon after its accept', () => {
    const accepted = every(10, 1_000);
    const backlog = deliveryBacklog([{ name: 'ledger', accepted, received: accepted.map((t) => t + 50) }]);
    expect(Math.abs(backlog.slopePerS)).toBeLessThan(1);
    expect(backlog.max).toBeLessThanOrEqual(6);
  });

  it('grows by the shortfall per second when a sink gets fewer deliveries a second than arrive, summed over sinks', () => {
    // 100/s accepted for 10 s; the ledger keeps up, the slow sink gets 80/s: 20 more waiting every second.
    const accepted = every(10, 1_000);
    const backlog = deliveryBacklog([
      { name: 'ledger', accepted, received: accepted.map((t) => t + 5) },
      { name: 'slack', accepted, received: every(12.5, 800) },
    ]);
    expect(backlog.slopePerS).toBeGreaterThan(18);
    expect(backlog.slopePerS).toBeLessThan(22);
    expect(Math.abs(backlog.slopePerSBySink.ledger!)).toBeLessThan(1);
    expect(backlog.slopePerSBySink.slack).toBeCloseTo(backlog.slopePerS, 0);
    expect(backlog.last).toBeGreaterThan(170);
  });

  it('counts only the deliveries routed to a sink, and nothing when there were none', () => {
    expect(deliveryBacklog([])).toEqual({ last: 0, max: 0, slopePerS: 0, slopePerSBySink: {} });
    const backlog = deliveryBacklog([{ name: 'email', accepted: every(100, 20), received: [] }]);
    expect(backlog.last).toBe(20);
  });
});

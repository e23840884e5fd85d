import { describe, expect, it } from 'vitest';
import { PermanentError } from './errors';
import { createGather, runsWithin, sendTogetherOrEach, type Outcome } from './gather';
import type { JobContext } from './types';

interface Item {
  to: string;
  ctx: JobContext;
}

const item = (to: string, deliveryId: string): Item => ({ to, ctx: { deliveryId } as JobContext });
const idsOf = (items: readonly Item[]) => items.map((one) => one.ctx.deliveryId);

describe('createGather', () => {
  it('sends the items pushed within the linger together, one send per destination, in order', async () => {
    const sends: [string, string[]][] = [];
    const gather = createGather<Item>({
      destinationOf: (one) => one.to,
      send: async (destination, items) => {
        sends.push([destination, idsOf(items)]);
        return items.map(() => undefined);
      },
      lingerMs: 20,
      lingerBelow: 10,
    });
    const first = gather.push(item('a', '1'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([first, gather.push(item('b', '2')), gather.push(item('a', '3'))]);
    expect(sends.sort()).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });

  it("settles each push with its own item's outcome, and a send that throws fails each of its items", async () => {
    const gather = createGather<Item>({
      destinationOf: (one) => one.to,
      send: async (destination, items) => {
        if (destination === 'down') throw new Error('connection refused');
        return items.map((one) => (one.ctx.deliveryId === 'bad' ? new PermanentError('refused') : undefined));
      },
      lingerMs: 0,
      lingerBelow: 10,
    });
    const outcomes = await Promise.allSettled(
      [item('up', 'good'), item('up', 'bad'), item('down', 'x')].map((one) => gather.push(one)),
    );
    expect(outcomes).toMatchObject([
      { status: 'fulfilled' },
      { status: 'rejected', reason: { message: 'refused' } },
      { status: 'rejected', reason: { message: 'connection refused' } },
    ]);
  });

  it('sends a delivery pushed twice for one destination in one gather once; both pushes get its outcome', async () => {
    const sent: string[][] = [];
    const gather = createGather<Item>({
      destinationOf: (one) => one.to,
      send: async (_destination, items) => {
        sent.push(idsOf(items));
        return items.map(() => undefined);
      },
      lingerMs: 0,
      lingerBelow: 10,
    });
    await Promise.all([gather.push(item('a', '1')), gather.push(item('a', '1')), gather.push(item('b', '1'))]);
    expect(sent.sort()).toEqual([['1'], ['1']]);
  });
});

describe('runsWithin', () => {
  it('cuts runs at the most items per run and at each budget, and lets an item over budget go alone', () => {
    const sizes = [3, 3, 3, 9, 1, 1, 1, 1];
    const runs = runsWithin(sizes, 3, (size, joining) => [size + (joining ? 1 : 0)], [8]);
    expect(runs).toEqual([[3, 3], [3], [9], [1, 1, 1], [1]]);
  });

  it('with no budget cuts by count only', () => {
    expect(runsWithin([1, 2, 3, 4, 5], 2, () => [], [])).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('sendTogetherOrEach', () => {
  const contentRefusal = (failure: Error) => failure instanceof PermanentError && failure.reason === 'content';

  /** sendTogetherOrEach with a send that answers `answer` and records the items of every call. */
  async function sendRecording(items: string[], answer: (items: string[]) => Outcome) {
    const calls: string[][] = [];
    const send = async (sent: readonly string[]): Promise<Outcome> => {
      calls.push([...sent]);
      return answer([...sent]);
    };
    return { outcomes: await sendTogetherOrEach(items, send, contentRefusal), calls };
  }

  it('gives every item the outcome of one send when it is not a refusal that can be one item’s', async () => {
    const transient = new Error('timeout');
    const { outcomes, calls } = await sendRecording(['a', 'b'], () => transient);
    expect(outcomes).toEqual([transient, transient]);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('sends each alone after a content refusal, so only the item refused alone is refused', async () => {
    const { outcomes, calls } = await sendRecording(['good', 'bad', 'fine'], (items) =>
      items.includes('bad') ? new PermanentError('too large', { reason: 'content' }) : undefined,
    );
    expect(outcomes.map((outcome) => outcome?.message)).toEqual([undefined, 'too large', undefined]);
    expect(calls).toEqual([['good', 'bad', 'fine'], ['good'], ['bad'], ['fine']]);
  });

  it('goes on sending alone after a permanent refusal of one item, each item with its own outcome', async () => {
    const { outcomes, calls } = await sendRecording(['a', 'b', 'c'], (items) => {
      if (items.length > 1) return new PermanentError('too large', { reason: 'content' });
      return items[0] === 'a' ? new PermanentError('bad argument', { reason: 'invalid_arguments' }) : undefined;
    });
    expect(outcomes.map((outcome) => outcome?.message)).toEqual(['bad argument', undefined, undefined]);
    expect(calls).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
  });

  it('stops sending alone after a failure that may pass: the rest take it, to be retried', async () => {
    const down = new Error('connection refused');
    const { outcomes, calls } = await sendRecording(['a', 'b', 'c'], (items) =>
      items.length > 1 ? new PermanentError('too large', { reason: 'content' }) : down,
    );
    expect(outcomes).toEqual([down, down, down]);
    expect(calls).toEqual([['a', 'b', 'c'], ['a']]);
  });
});

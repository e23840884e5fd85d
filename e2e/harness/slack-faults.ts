import type { FaultAnswer } from './fault-proxy';

/**
 * A deterministic fault plan for chat.postMessage: every `every`-th call answers HTTP 503 (Slack having trouble,
 * nothing posted), and a burst armed with rateLimitBurst(n) answers the next n calls 429 with Retry-After: 1.
 * Other Slack methods pass untouched.
 */
export class SlackFaults {
  posts = 0;
  serverErrors = 0;
  rateLimited = 0;
  private burstLeft = 0;

  constructor(private readonly every: number) {}

  rateLimitBurst(calls: number): void {
    this.burstLeft += calls;
  }

  readonly decide = (path: string): FaultAnswer | undefined => {
    if (!path.split('?')[0]!.endsWith('/chat.postMessage')) return undefined;
    this.posts += 1;
    if (this.burstLeft > 0) {
      this.burstLeft -= 1;
      this.rateLimited += 1;
      return { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ ok: false, error: 'ratelimited' }) };
    }
    if (this.posts % this.every === 0) {
      this.serverErrors += 1;
      return { status: 503, body: '{}' };
    }
    return undefined;
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <key>` against every configured key in constant time: both sides are hashed to
 * equal length first, and every key is compared even after a match.
 */
export function bearerMatcher(keys: readonly string[]): (header: string | undefined) => boolean {
  const expected = keys.map(digest);
  return (header) => {
    const match = /^Bearer ([^\s]+)$/.exec(header ?? '');
    const given = digest(match?.[1] ?? '');
    let ok = false;
    for (const key of expected) ok = timingSafeEqual(key, given) || ok;
    return ok && match !== null;
  };
}

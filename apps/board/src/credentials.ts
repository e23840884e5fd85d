import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  username: string;
  password: string;
}

/** Hashing first gives both sides the same length, so the comparison time reveals neither content nor length. */
function sameSecret(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** Both parts are always compared, so a wrong username costs the same time as a wrong password. */
export function credentialsMatch(expected: Credentials, given: Credentials): boolean {
  const username = sameSecret(expected.username, given.username);
  const password = sameSecret(expected.password, given.password);
  return username && password;
}

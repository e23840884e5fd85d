import type { MessageBody } from './message';
import type { Fields } from './read';

/** The part of a message one webhook type decides; the header title comes from the table in render.ts. */
export type TypeBody = Omit<MessageBody, 'title'>;

/**
 * Renders one payload. `who` names the influencer (mrkdwn). Returns undefined when the payload has none of the
 * fields the type is about, and the generic message is sent instead.
 */
export type TypeRenderer = (payload: Fields, who: string) => TypeBody | undefined;

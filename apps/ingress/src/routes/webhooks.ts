import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { webhookSchemas, webhookTypes, type WebhookEvent, type WebhookType } from '@herohooks/contracts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verify, type VerifyFailure } from '@herohooks/signing';
import type { Producer } from '../enqueue/producer';
import { isJsonContentType } from '../http/content-type';
import { HttpError, SchemaMismatchError, UnauthorizedError, UnsupportedMediaTypeError } from '../http/errors';
import { parseJsonBody } from '../http/json-body';
import { compileSchemaCheck, skipValidation } from '../http/schema-check';
import { DeliveryAnswer, SignedHeaders, errorResponses } from '../http/schemas';

export interface WebhookRoutesOptions {
  secrets: readonly string[];
  toleranceSeconds: number;
  producer: Producer;
  /** Milliseconds since the epoch. */
  clock: () => number;
}

const refusals: Record<VerifyFailure, string> = {
  missing_signature: 'The X-InfluencerHero-Signature header is missing.',
  malformed_signature: 'The signature must be 64 lower-case hex characters.',
  bad_signature: 'The signature does not match the body.',
  missing_timestamp: 'The X-InfluencerHero-Timestamp header is missing.',
  malformed_timestamp: 'The timestamp must be Unix seconds.',
  stale_timestamp: 'The timestamp is outside the allowed window.',
};

const EMPTY = Buffer.alloc(0);

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/**
 * POST /webhooks/influencer-hero/:type. Checks, in the contract's order: type known (404, before the body is read)
 * → body size (413, while reading) → signature and timestamp over the raw bytes (401) → content type (415; after
 * the signature so an unauthenticated caller learns nothing about what we parse) → JSON (400) → schema (422) →
 * dedup + durable enqueue (202, 200 duplicate, 503).
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  // This scope keeps every body as raw bytes, whatever its content type: the signature covers the exact bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setValidatorCompiler(skipValidation);

  const verifyOptions = { secrets: options.secrets, toleranceSeconds: options.toleranceSeconds, now: options.clock };

  for (const type of webhookTypes) {
    const check = compileSchemaCheck(webhookSchemas[type]);
    app.post(
      `/${type}`,
      {
        config: { metricType: type },
        schema: {
          summary: `Receive a ${type} webhook`,
          tags: ['webhooks'],
          headers: SignedHeaders,
          body: webhookSchemas[type],
          response: { 200: DeliveryAnswer, 202: DeliveryAnswer, ...errorResponses },
        },
      },
      async (request, reply) => {
        const rawBody = (request.body as Buffer | undefined) ?? EMPTY;
        const verdict = verify(
          { rawBody, signature: header(request, SIGNATURE_HEADER), timestamp: header(request, TIMESTAMP_HEADER) },
          verifyOptions,
        );
        if (!verdict.ok) throw new UnauthorizedError(verdict.reason, refusals[verdict.reason]);
        if (!isJsonContentType(request.headers['content-type'])) throw new UnsupportedMediaTypeError();
        const { value: payload, text } = parseJsonBody(rawBody);
        const problems = check(payload);
        if (problems) throw new SchemaMismatchError(problems);

        const event = {
          deliveryId: randomUUID(),
          type,
          receivedAt: new Date(options.clock()).toISOString(),
          payload,
        } as WebhookEvent<WebhookType>;
        const accepted = await options.producer.addDelivery(event, { raw: rawBody, text });
        request.deliveryId = accepted.id;
        return reply
          .code(accepted.duplicate ? 200 : 202)
          .send({ id: accepted.id, type, duplicate: accepted.duplicate });
      },
    );
  }

  // Static routes win over this one, so it only sees types that do not exist; it answers before the body is read.
  app.post(
    '/:type',
    {
      config: { metricType: 'unknown_type' },
      schema: { hide: true },
      onRequest: async () => {
        throw new HttpError(404, 'unknown_type', 'This webhook type does not exist.');
      },
    },
    async () => undefined,
  );
};

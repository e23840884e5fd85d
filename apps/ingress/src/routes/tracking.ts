import type { FastifyPluginAsync } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { ClickBody, ReferralBody, type TrackingJob } from '@herohooks/contracts';
import type { Producer } from '../enqueue/producer';
import { bearerMatcher } from '../http/bearer';
import { IDEMPOTENCY_KEY_HEADER, trackingJobId } from '../http/idempotency-key';
import { SchemaMismatchError, UnauthorizedError } from '../http/errors';
import { parseJsonBody } from '../http/json-body';
import { compileSchemaCheck, skipValidation } from '../http/schema-check';
import { TrackingAnswer, TrackingHeaders, errorResponses } from '../http/schemas';

export interface TrackingRoutesOptions {
  apiKeys: readonly string[];
  producer: Producer;
  clock: () => number;
}

const routes: { path: string; kind: TrackingJob['kind']; schema: TSchema; summary: string }[] = [
  { path: '/clicks', kind: 'click', schema: ClickBody, summary: 'Report new clicks of a collaboration' },
  {
    path: '/referrals',
    kind: 'referral',
    schema: ReferralBody,
    summary: 'Report an order referred by a collaboration',
  },
];

/**
 * POST /track/clicks and /track/referrals: bearer key (401, before the body is read) → JSON only (415) → JSON (400)
 * → Idempotency-Key, optional (400) → schema (422) → one job on the tracking queue (202 {id}, or 503).
 */
export const trackingRoutes: FastifyPluginAsync<TrackingRoutesOptions> = async (app, options) => {
  const authorized = bearerMatcher(options.apiKeys);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, parseJsonBody(body as Buffer).value),
  );
  app.setValidatorCompiler(skipValidation);
  app.addHook('onRequest', async (request) => {
    if (!authorized(request.headers.authorization)) {
      throw new UnauthorizedError('bad_api_key', 'A valid "Authorization: Bearer <key>" header is required.');
    }
  });

  for (const route of routes) {
    const check = compileSchemaCheck(route.schema);
    app.post(
      route.path,
      {
        config: { metricType: route.kind },
        schema: {
          summary: route.summary,
          tags: ['tracking'],
          headers: TrackingHeaders,
          body: route.schema,
          response: { 202: TrackingAnswer, ...errorResponses },
        },
      },
      async (request, reply) => {
        const id = trackingJobId(route.kind, request.headers[IDEMPOTENCY_KEY_HEADER]);
        const problems = check(request.body);
        if (problems) throw new SchemaMismatchError(problems);
        const job = {
          kind: route.kind,
          id,
          receivedAt: new Date(options.clock()).toISOString(),
          body: request.body,
        } as TrackingJob;
        await options.producer.addTracking(job);
        return reply.code(202).send({ id: job.id });
      },
    );
  }
};

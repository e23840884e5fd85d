import basicAuth from '@fastify/basic-auth';
import { errorBody } from '@herohooks/contracts';
import type { FastifyInstance } from 'fastify';
import { credentialsMatch, type Credentials } from './credentials';

export class WrongCredentialsError extends Error {
  override readonly name = 'WrongCredentialsError';
}

/**
 * HTTP basic auth on every route registered after it in the same scope. A refusal is answered here with the
 * WWW-Authenticate challenge and a body that names nothing behind the door.
 */
export async function requireBasicAuth(scope: FastifyInstance, expected: Credentials): Promise<void> {
  await scope.register(basicAuth, {
    authenticate: { realm: 'herohooks board' },
    validate: async (username, password) => {
      if (!credentialsMatch(expected, { username, password })) throw new WrongCredentialsError('wrong credentials');
    },
  });
  scope.addHook('onRequest', (request, reply, next) => {
    scope.basicAuth(request, reply, (error?: Error) => {
      if (!error) return next();
      void reply.code(401).send(errorBody('unauthorized', 'Valid board credentials are required.'));
    });
  });
}

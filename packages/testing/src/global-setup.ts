import type { TestProject } from 'vitest/node';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';

// Tests use the Redis and PostgreSQL named by REDIS_URL / DATABASE_URL; when one is not set, a throwaway
// container is started for the whole run. Each test then isolates itself (unique queue prefix, own schema).

const started: StartedTestContainer[] = [];

export async function setup(project: TestProject): Promise<void> {
  if (!process.env.REDIS_URL) {
    const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
    started.push(redis);
    process.env.REDIS_URL = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  }
  if (!process.env.DATABASE_URL) {
    const pg = await new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_PASSWORD: 'test', POSTGRES_DB: 'test' })
      .withExposedPorts(5432)
      .start();
    started.push(pg);
    process.env.DATABASE_URL = `postgres://postgres:test@${pg.getHost()}:${pg.getMappedPort(5432)}/test`;
  }
  project.provide('redisUrl', process.env.REDIS_URL);
  project.provide('databaseUrl', process.env.DATABASE_URL);
}

export async function teardown(): Promise<void> {
  await Promise.all(started.map((c) => c.stop()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    databaseUrl: string;
  }
}

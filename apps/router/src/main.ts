import { redisOptions } from '@herohooks/runtime';
import { runConsumerApp } from '@herohooks/worker-kit';
import { FlowProducer } from 'bullmq';
import { Redis } from 'ioredis';
import { loadRouterConfig } from './env';
import { fanOutHandler } from './fan-out';

const { env, table } = loadRouterConfig();
const flows = new FlowProducer({ connection: new Redis(env.REDIS_URL, redisOptions('worker')), prefix: env.QUEUE_PREFIX });
await runConsumerApp(fanOutHandler(flows, table), env);

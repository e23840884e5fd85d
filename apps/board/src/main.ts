import { connectRedis, createLogger, loadEnv } from '@herohooks/runtime';
import { buildApp } from './app';
import { BoardEnv } from './env';
import { startServer } from './server';

const env = loadEnv(BoardEnv);
const logger = createLogger('board', env.LOG_LEVEL, env.LOG_FORMAT);
const app = await buildApp({
  credentials: { username: env.BOARD_USERNAME, password: env.BOARD_PASSWORD },
  connection: connectRedis(env.REDIS_URL, 'producer'),
  prefix: env.QUEUE_PREFIX,
  logger,
});
await startServer(app, env.BOARD_PORT, env.HOST);

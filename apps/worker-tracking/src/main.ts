import { runConsumerApp } from '@herohooks/worker-kit';
import { loadTrackingEnv, trackingConfig } from './env';
import { createTrackingHandler } from './handler';

const env = loadTrackingEnv();
await runConsumerApp(createTrackingHandler(trackingConfig(env)), env, { dryRun: env.TRACKING_DRY_RUN });

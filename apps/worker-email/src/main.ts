import { orExit } from '@herohooks/runtime';
import { runConsumerApp } from '@herohooks/worker-kit';
import { dryRunDelivery, smtpDelivery } from './delivery';
import { parseEmailEnv } from './env';
import { emailHandler } from './handler';

const env = orExit(() => parseEmailEnv());
const delivery = env.smtp ? smtpDelivery(env.smtp) : dryRunDelivery;
const handler = emailHandler(env.recipients, delivery, { deliveriesPerMessage: env.EMAIL_DELIVERIES_PER_MESSAGE });
await runConsumerApp(handler, env, { dryRun: env.EMAIL_DRY_RUN });

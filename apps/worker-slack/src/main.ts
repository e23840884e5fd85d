import { runConsumerApp } from '@herohooks/worker-kit';
import { alertsHandler } from './alerts-handler';
import { loadSlackConfig } from './env';
import { createSlackClient } from './slack/client';
import { createPoster } from './slack/poster';
import { webhookHandler } from './webhook-handler';

const config = loadSlackConfig();
const poster = createPoster(createSlackClient(config.token, config.apiUrl), config.posting);
await runConsumerApp(webhookHandler(config.channels, poster), config.worker, {
  dryRun: config.dryRun,
  alongside: [alertsHandler(config.alertChannel, poster)],
});

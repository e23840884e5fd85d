// `pnpm start`: build, then run every app in one terminal with prefixed logs. Needs only Redis: the ledger uses
// embedded PGlite without DATABASE_URL, and Slack, email and tracking run dry when they are not configured.
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import concurrently from 'concurrently';
import { apps, commandOf } from './apps.mjs';

if (!existsSync('.env')) {
  const secret = randomBytes(24).toString('hex');
  const password = randomBytes(12).toString('base64url');
  writeFileSync(
    '.env',
    [
      '# Written by `pnpm start` on first run; edit freely (see .env.example for every variable).',
      `IH_WEBHOOK_SECRETS=${secret}`,
      'BOARD_USERNAME=admin',
      `BOARD_PASSWORD=${password}`,
      '',
    ].join('\n'),
  );
  console.log('created .env with a random webhook secret and board password (Bull Board: user admin, see .env)');
}
process.loadEnvFile('.env');

const dryRuns = [
  ['SLACK_BOT_TOKEN', 'SLACK_DRY_RUN', 'Slack'],
  ['SMTP_URL', 'EMAIL_DRY_RUN', 'email'],
  ['IH_API_KEY', 'TRACKING_DRY_RUN', 'tracking'],
];
for (const [setting, dryRun, what] of dryRuns) {
  if (!process.env[setting] && process.env[dryRun] === undefined) {
    process.env[dryRun] = 'true';
    console.log(`${what}: ${setting} is not set, so ${what} runs dry (renders and logs, sends nothing)`);
  }
}
// A dry-run Slack worker still renders per channel; give it a name to log.
if (process.env.SLACK_DRY_RUN === 'true') process.env.SLACK_CHANNEL ??= 'herohooks-dry-run';
if (!process.env.DATABASE_URL) console.log(`ledger: DATABASE_URL is not set, so the ledger uses embedded PGlite in ${process.env.LEDGER_DIR ?? './data/ledger'}`);

execSync('pnpm -s build', { stdio: 'inherit' });

const { result } = concurrently(
  apps.map((app) => ({
    name: app.name,
    command: commandOf(app.name).join(' '),
    env: { ...app.env, LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty' },
  })),
  { prefix: 'name', killOthersOn: ['failure'], restartTries: 0 },
);
result.catch(() => process.exit(1));

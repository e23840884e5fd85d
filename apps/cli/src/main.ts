import { existsSync } from 'node:fs';
import { runCli } from './cli';
import { commands } from './commands/index';

// The same .env that `pnpm start` reads, so `pnpm herohooks send all` signs with the running ingress's secret.
if (existsSync('.env')) process.loadEnvFile('.env');

process.exitCode = await runCli(process.argv.slice(2), commands, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});

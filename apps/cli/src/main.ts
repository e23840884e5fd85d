import { runCli } from './cli';
import { commands } from './commands/index';

process.exitCode = await runCli(process.argv.slice(2), commands, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});

import { EXIT_FAILURE, EXIT_USAGE, UsageError, type Command, type CommandIo } from './command';

function help(commands: Command[]): string {
  const lines = commands.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `usage: herohooks <verb> [options]\n\n${lines.join('\n')}\n`;
}

/** Dispatches argv to a verb; maps UsageError to exit 2 and any other error to exit 1 with one line. */
export async function runCli(argv: string[], commands: Command[], io: CommandIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(help(commands));
    return verb ? 0 : EXIT_USAGE;
  }
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    io.stderr.write(`herohooks: unknown verb "${verb}"\n\n${help(commands)}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`herohooks ${verb}: ${error.message}\nusage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`herohooks ${verb}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

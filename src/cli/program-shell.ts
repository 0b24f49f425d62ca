// A command line that, so far, offers only --help and --version: unknown commands exit 2.
import { Command, CommanderError } from 'commander';

export function runShell(name: string, description: string, argv: string[]): number {
  const program = new Command(name).description(description).version('0.1.0').exitOverride();
  try {
    program.parse(argv);
    if (program.args.length === 0) program.help();
    return 0;
  } catch (e) {
    return e instanceof CommanderError && e.exitCode === 0 ? 0 : 2;
  }
}

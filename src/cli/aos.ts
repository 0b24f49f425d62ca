#!/usr/bin/env node
// The aos executable: the runtime's command line. Its commands (run, replay, inspect, ...)
// are added as the runtime lands; today it reports its version and what it offers.
import { Command, CommanderError } from 'commander';

const program = new Command('aos')
  .description('AOS, the Agent Operating System. Compile workflows with aosc.')
  .version('0.1.0')
  .exitOverride();

try {
  program.parse(process.argv);
  if (program.args.length === 0) program.help();
} catch (e) {
  process.exitCode = e instanceof CommanderError && e.exitCode === 0 ? 0 : 2;
}

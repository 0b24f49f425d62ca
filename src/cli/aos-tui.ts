#!/usr/bin/env node
// The aos-tui executable: the terminal viewer of run directories. It reports its version until
// there are runs to show.
import { Command, CommanderError } from 'commander';

const program = new Command('aos-tui')
  .description('AOS terminal viewer for run directories.')
  .version('0.1.0')
  .exitOverride();

try {
  program.parse(process.argv);
  if (program.args.length === 0) program.help();
} catch (e) {
  process.exitCode = e instanceof CommanderError && e.exitCode === 0 ? 0 : 2;
}

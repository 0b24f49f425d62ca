#!/usr/bin/env node
// The aos executable: the runtime's command line. Its commands (run, replay, inspect, ...)
// arrive with the runtime; until then it reports its version and points to aosc.
import { runShell } from './program-shell.js';

process.exitCode = runShell('aos', 'AOS, the Agent Operating System. Compile workflows with aosc.', process.argv);

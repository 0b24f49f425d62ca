#!/usr/bin/env node
// The aos-tui executable: the terminal viewer of run directories, which arrive with the runtime.
import { runShell } from './program-shell.js';

process.exitCode = runShell('aos-tui', 'AOS terminal viewer for run directories.', process.argv);

#!/usr/bin/env node
// The aos-tui executable. It has no commands: bare or with --help it prints its help, with
// --version its version, and any other argument is bad usage (exit 2). Runs are read with
// `aos ls`, `aos inspect` and `aos replay`.
import { runShell } from './program-shell.js';

process.exitCode = runShell('aos-tui', 'No commands: this help and --version only. Read runs with `aos ls`, `aos inspect` and `aos replay`.', process.argv);

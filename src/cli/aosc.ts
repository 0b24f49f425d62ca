#!/usr/bin/env node
// The aosc executable: see aosc-program.ts.
import { main } from './aosc-program.js';

process.exitCode = main(process.argv.slice(2));

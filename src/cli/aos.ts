#!/usr/bin/env node
// The aos executable: see aos-program.ts.
import { main } from './aos-program.js';

process.exitCode = await main(process.argv.slice(2));

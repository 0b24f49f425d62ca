/*
 * The one-way layering of src/ (docs/architecture.md), checked on every test run. Each layer lists
 * the layers it may import; an import of any other file of src/ is an error, a new folder's too.
 * `generated` (types from schemas/) may be imported by every layer.
 */
const allow = (from, allowed, comment) => ({
  name: `${from}-imports-only-${allowed.length === 0 ? 'itself' : allowed.join('-')}`,
  comment,
  severity: 'error',
  from: { path: `^src/${from}/` },
  // Anything in src/ outside the allowed folders, so a new folder is forbidden until a rule allows it.
  to: { path: '^src/', pathNot: `^src/(${[from, ...allowed, 'generated'].join('|')})/` },
});

module.exports = {
  forbidden: [
    allow('bytecode', [], 'The bytecode contract (opcodes, event kinds, format, canonical JSON, code hash) depends on nothing but generated types.'),
    allow('compiler', ['bytecode'], 'The compiler depends only on the bytecode contract.'),
    allow('vm', ['bytecode'], 'The kernel is pure: the bytecode contract only.'),
    allow('log', ['bytecode'], 'The event log (chain, writer, reader, durable fs, lock, verify) knows events, not the kernel that makes them.'),
    allow('replay', ['bytecode', 'vm', 'log'], 'Replay re-runs the kernel against a log, never live drivers.'),
    allow('inspect', ['bytecode', 'log', 'replay', 'vm'], 'Inspection projects a log; of the kernel it sees only the public face (vm/kernel.ts, vm/rules.ts), checked below.'),
    {
      name: 'inspect-sees-only-the-kernels-public-face',
      comment: 'Inspection uses the kernel rules and tracing the kernel exports, never its internals.',
      severity: 'error',
      from: { path: '^src/inspect/' },
      to: { path: '^src/vm/', pathNot: '^src/vm/(kernel|rules)\\.ts$' },
    },
    allow('sim', ['bytecode', 'vm', 'log', 'replay'], 'The simulated-time host drives the kernel with fake effects; it replays its logs to check them.'),
    allow('runtime', ['bytecode', 'vm', 'log', 'replay', 'drivers'], 'The live host drives the kernel through the drivers; resume rebuilds the kernel by replay. It never compiles.'),
    allow('drivers', ['bytecode'], 'Drivers see shared types only.'),
    allow('generated', [], 'Generated types are leaves.'),
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

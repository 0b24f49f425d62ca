/* The one-way layering of DESIGN.md section 2, checked on every test run. */
const layer = (from, forbidden, comment) => ({
  name: `${from}-not-to-${forbidden.join('-')}`,
  comment,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: `^src/(${forbidden.join('|')})/` },
});

module.exports = {
  forbidden: [
    layer('bytecode', ['compiler', 'vm', 'runtime', 'replay', 'drivers', 'cli'], 'The bytecode contract depends on nothing but generated types.'),
    layer('compiler', ['vm', 'runtime', 'replay', 'drivers', 'cli'], 'The compiler depends only on the bytecode contract.'),
    layer('vm', ['compiler', 'runtime', 'replay', 'drivers', 'cli'], 'The kernel is pure: bytecode only.'),
    layer('replay', ['compiler', 'drivers', 'runtime', 'cli'], 'Replay depends on the kernel and bytecode, never on live drivers.'),
    layer('drivers', ['vm', 'compiler', 'runtime', 'replay', 'cli'], 'Drivers see shared types only.'),
    layer('runtime', ['compiler', 'cli'], 'The live host drives the kernel; it does not compile.'),
    layer('generated', ['bytecode', 'compiler', 'vm', 'runtime', 'replay', 'drivers', 'cli'], 'Generated types are leaves.'),
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

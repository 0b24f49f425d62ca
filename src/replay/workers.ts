// Worker threads of the replay layer run compiled code: a worker module is loaded from beside the
// module that starts it, and from the same place under dist/ when that module runs from its
// TypeScript source (the tests run the sources; `npm test` builds dist/ first).
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL, type URL } from 'node:url';

/** The URL of the compiled worker module `name` (e.g. 'seal-worker') of the folder of `from` (an import.meta.url). */
export function workerModule(name: string, from: string): URL {
  let folder = dirname(fileURLToPath(from));
  if (from.endsWith('.ts')) {
    const src = folder.lastIndexOf(`${sep}src${sep}`);
    if (src >= 0) folder = `${folder.slice(0, src)}${sep}dist${sep}${folder.slice(src + 5)}`;
  }
  const path = join(folder, `${name}.js`);
  if (!existsSync(path)) throw new Error(`the worker module ${path} is missing: run \`npm run build\``);
  return pathToFileURL(path);
}

// path-outside-mounts: a literal path read or written by a structured agent's program lies in
// one of the agent's mounts (main may use any absolute path); a tool's `cwd` and its path
// params' `mount` lie in a mount of every agent that holds the tool. Every such path is
// absolute and normalised (no "." or ".." segments).
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { EffectiveAgent } from './agents.js';
import { capSetLookup } from './cap-sets.js';
import type { CheckContext } from './context.js';
import { insideAny, pathProblem } from './vpath.js';
import { visitsOf } from './visits.js';

const outside = (pointer: string, message: string) => diagnostic('path-outside-mounts', { pointer, message });

function mountLookup(effective: readonly EffectiveAgent[]): (index: number) => ReadonlySet<string> {
  const built = new Array<ReadonlySet<string> | undefined>(effective.length);
  return (i) => (built[i] ??= new Set((effective[i]?.config.mounts ?? []).map((m) => m.path).filter((p) => pathProblem(p) === undefined)));
}

function describeMounts(mounts: ReadonlySet<string>): string {
  return mounts.size === 0 ? 'it has no mounts' : `its mounts are ${[...mounts].map((m) => `"${m}"`).join(', ')}`;
}

function programPaths(ctx: CheckContext, mountsOf: (i: number) => ReadonlySet<string>, out: Diagnostic[]): void {
  for (const visit of visitsOf(ctx.walk, 'read', 'write')) {
    const { stmt, proc } = visit;
    if (stmt.kind !== 'read' && stmt.kind !== 'write') continue;
    const issue = pathProblem(stmt.path);
    if (issue) {
      out.push(outside(`${visit.pointer}/path`, `path "${stmt.path}" ${issue}`));
      continue;
    }
    for (const runner of proc.runners) {
      const mounts = mountsOf(runner);
      if (insideAny(stmt.path, mounts)) continue;
      const agent = ctx.agents.effective[runner] as EffectiveAgent;
      out.push(outside(`${visit.pointer}/path`, `path "${stmt.path}" lies in none of agent "${agent.name}"'s mounts: ${describeMounts(mounts)}`));
    }
  }
}

interface ToolDir {
  readonly path: string;
  readonly pointer: string;
}

/** Each tool's cwd and path-param mounts, with their pointers. */
function toolDirs(ctx: CheckContext): ToolDir[][] {
  return (ctx.ast.tools ?? []).map((tool, i) => {
    const dirs: ToolDir[] = [];
    if (tool.cwd !== undefined) dirs.push({ path: tool.cwd, pointer: join('', 'tools', i, 'cwd') });
    tool.params?.forEach((p, j) => {
      if (p.type === 'path' && p.mount !== undefined) dirs.push({ path: p.mount, pointer: join('', 'tools', i, 'params', j, 'mount') });
    });
    return dirs;
  });
}

function toolPaths(ctx: CheckContext, mountsOf: (i: number) => ReadonlySet<string>, out: Diagnostic[]): void {
  const tools = toolDirs(ctx);
  const reported = new Set<string>();
  for (const dirs of tools) {
    for (const dir of dirs) {
      const issue = pathProblem(dir.path);
      if (issue) {
        out.push(outside(dir.pointer, `path "${dir.path}" ${issue}`));
        reported.add(dir.pointer);
      }
    }
  }
  // Each tool directory is reported once, for the first agent (in declaration order) that lacks it.
  const caps = capSetLookup(ctx.agents.effective);
  for (const agent of ctx.agents.effective) {
    for (const name of caps(agent.index).tools) {
      const entry = ctx.symbols.byKind.tools.get(name);
      if (!entry) continue;
      for (const dir of tools[entry.index] as ToolDir[]) {
        if (reported.has(dir.pointer) || insideAny(dir.path, mountsOf(agent.index))) continue;
        reported.add(dir.pointer);
        out.push(outside(dir.pointer, `"${dir.path}" lies in none of the mounts of agent "${agent.name}", which holds tool "${name}": ${describeMounts(mountsOf(agent.index))}`));
      }
    }
  }
}

export function checkPaths(ctx: CheckContext): Diagnostic[] {
  const mountsOf = mountLookup(ctx.agents.effective);
  const out: Diagnostic[] = [];
  programPaths(ctx, mountsOf, out);
  toolPaths(ctx, mountsOf, out);
  return out;
}

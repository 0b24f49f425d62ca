// Keeps the workspace's mounts in step with the kernel's processes: when the log shows a process
// spawned, its mounts are made on disk (a reference or seeded mount from its folder beside the
// workflow); a parallel branch works in the mounts of the process that started it; an overlay
// the kernel discards is dropped. It also keeps each mount's real root with its virtual path, so
// a host path that a tool prints (a compiler quoting a file it was given) is recorded as the
// virtual path it stands for. Before a resumed run goes on, it checks that every mount the log
// placed can still be made where the kernel puts it.
import { isAbsolute, join } from 'node:path';
import type { Bytecode, MountEntry } from '../bytecode/format.js';
import type { KernelEvent } from '../bytecode/events.js';
import { WorkspaceError, type Workspace } from '../drivers/files.js';

const ROOT_MOUNT: MountEntry = { kind: 'shared', path: '/' };

/** The mounts a spawned process needs on disk: main's root, or its agent spec's; a branch uses its starter's. */
function mountsOf(bytecode: Bytecode, data: NonNullable<KernelEvent['data']>): readonly MountEntry[] {
  if (data['kind'] === 'main') return [ROOT_MOUNT];
  if (data['kind'] === 'branch') return [];
  return bytecode.code.agents.find((a) => a.name === data['spec'])?.mounts ?? [];
}

/**
 * Before a resumed run dispatches anything: each mount in the workspace of each process the log
 * spawned must still be made of real directories, or something a tool planted or swapped in,
 * during the run or while it was stopped, could lead the resumed run outside the workspace. Such
 * a run is refused, naming every offending host path and the mounts that need it; nothing is
 * touched, so the operator can look, move the path away and resume again.
 */
export async function checkMountsOnResume(bytecode: Bytecode, workspace: Workspace, mountEvents: readonly KernelEvent[]): Promise<void> {
  const needing = new Map<string, string[]>();
  for (const event of mountEvents) {
    if (event.kind !== 'proc.spawned' || event.pid === undefined || event.data === undefined) continue;
    for (const entry of mountsOf(bytecode, event.data)) {
      const problem = await workspace.mountProblem(event.pid, entry);
      if (problem !== undefined) needing.set(problem, [...(needing.get(problem) ?? []), `${JSON.stringify(entry.path)} of ${JSON.stringify(event.pid)}`]);
    }
  }
  const lines = [...needing].map(([problem, mounts]) => `${problem}, where mount ${mounts.join(', mount ')} needs a real directory inside the workspace`);
  if (lines.length === 1) throw new WorkspaceError('escape', `cannot resume: ${lines[0]}; move it away, then resume again`);
  if (lines.length > 1) {
    throw new WorkspaceError('escape', [`cannot resume: ${lines.length} paths in the workspace stand where mounts need real directories; move them away, then resume again:`, ...lines].join('\n'));
  }
}

export class WorkspaceMounts {
  /** Each process's mount owner: itself, or for a branch the process whose mounts it uses. */
  private readonly owners = new Map<string, string>();
  /** Real mount roots and the virtual paths they stand for, longest first when redacting. */
  readonly hostPaths: { host: string; standIn: string }[] = [];

  constructor(
    private readonly bytecode: Bytecode,
    private readonly workspace: Workspace,
    private readonly workflowDir: string,
  ) {}

  owner(pid: string): string {
    return this.owners.get(pid) ?? pid;
  }

  /**
   * Notes at once who owns a new process's mounts (a branch uses those of the process that
   * started it), and says whether `observe` must still do disk work for the event before the
   * next dispatch: mount a new process's mounts, or drop a discarded overlay.
   */
  note(event: KernelEvent): boolean {
    if (event.kind === 'overlay.discarded') return true;
    if (event.kind !== 'proc.spawned' || event.pid === undefined || event.data === undefined) return false;
    this.owners.set(event.pid, event.data['kind'] === 'branch' ? this.owner(String(event.data['parent'])) : event.pid);
    return mountsOf(this.bytecode, event.data).length > 0;
  }

  async observe(event: KernelEvent): Promise<void> {
    if (event.pid === undefined || event.data === undefined) return;
    if (event.kind === 'proc.spawned') await this.mount(event.pid, mountsOf(this.bytecode, event.data));
    else if (event.kind === 'overlay.discarded') await this.workspace.discardOverlay(this.owner(event.pid), String(event.data['overlay']));
  }

  private async mount(pid: string, entries: readonly MountEntry[]): Promise<void> {
    // An overlay's base must be mounted before the overlay.
    const ordered = [...entries.filter((m) => m.kind !== 'overlay'), ...entries.filter((m) => m.kind === 'overlay')];
    for (const mount of ordered) {
      const source = mount.source === undefined ? undefined : isAbsolute(mount.source) ? mount.source : join(this.workflowDir, mount.source);
      await this.workspace.mount(pid, mount, source);
      // Only the name of its root: resolving the root of an overlay would copy its whole base up.
      const root = this.workspace.hostRoot(pid, mount.path);
      if (root !== undefined && !this.hostPaths.some((p) => p.host === root)) this.hostPaths.push({ host: root, standIn: mount.path === '/' ? '' : mount.path });
    }
  }
}

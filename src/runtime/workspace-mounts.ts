// Keeps the workspace's mounts in step with the kernel's processes: when the log shows a process
// spawned, its mounts are made on disk (a reference or seeded mount from its folder beside the
// workflow); a parallel branch works in the mounts of the process that started it; an overlay
// the kernel discards is dropped. It also keeps each mount's real root with its virtual path, so
// a host path that a tool prints (a compiler quoting a file it was given) is recorded as the
// virtual path it stands for.
import { isAbsolute, join } from 'node:path';
import type { Bytecode, MountEntry } from '../bytecode/format.js';
import type { KernelEvent } from '../bytecode/events.js';
import type { Workspace } from '../drivers/files.js';

const ROOT_MOUNT: MountEntry = { kind: 'shared', path: '/' };

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

  /** The mounts a spawned process needs on disk: main's root, or its agent spec's. */
  private mountsOf(data: NonNullable<KernelEvent['data']>): readonly MountEntry[] {
    if (data['kind'] === 'main') return [ROOT_MOUNT];
    if (data['kind'] === 'branch') return [];
    return this.bytecode.code.agents.find((a) => a.name === data['spec'])?.mounts ?? [];
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
    return this.mountsOf(event.data).length > 0;
  }

  async observe(event: KernelEvent): Promise<void> {
    if (event.pid === undefined || event.data === undefined) return;
    if (event.kind === 'proc.spawned') await this.mount(event.pid, this.mountsOf(event.data));
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

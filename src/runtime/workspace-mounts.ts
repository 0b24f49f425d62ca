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

  /**
   * Notes what an event changes that needs no disk work (a branch's owner, an agent with no
   * mounts), and says whether `observe` must still run for it before the next dispatch.
   */
  note(event: KernelEvent): boolean {
    if (event.kind === 'overlay.discarded') return true;
    if (event.kind !== 'proc.spawned' || event.pid === undefined || event.data === undefined) return false;
    const kind = event.data['kind'];
    if (kind === 'branch') {
      this.owners.set(event.pid, this.owner(String(event.data['parent'])));
      return false;
    }
    if (kind === 'agent' && (this.bytecode.code.agents.find((a) => a.name === event.data?.['spec'])?.mounts.length ?? 0) === 0) {
      this.owners.set(event.pid, event.pid);
      return false;
    }
    return true;
  }

  async observe(event: KernelEvent): Promise<void> {
    if (event.pid === undefined || event.data === undefined) return;
    if (event.kind === 'proc.spawned') await this.spawned(event.pid, event.data);
    else if (event.kind === 'overlay.discarded') await this.workspace.discardOverlay(this.owner(event.pid), String(event.data['overlay']));
  }

  private async spawned(pid: string, data: NonNullable<KernelEvent['data']>): Promise<void> {
    const kind = data['kind'];
    if (kind === 'branch') {
      this.owners.set(pid, this.owner(String(data['parent'])));
      return;
    }
    if (this.owners.has(pid)) return;
    this.owners.set(pid, pid);
    const entries = kind === 'main' ? [ROOT_MOUNT] : (this.bytecode.code.agents.find((a) => a.name === data['spec'])?.mounts ?? []);
    // An overlay's base must be mounted before the overlay.
    const ordered = [...entries.filter((m) => m.kind !== 'overlay'), ...entries.filter((m) => m.kind === 'overlay')];
    for (const mount of ordered) {
      const source = mount.source === undefined ? undefined : isAbsolute(mount.source) ? mount.source : join(this.workflowDir, mount.source);
      await this.workspace.mount(pid, mount, source);
      const root = await this.workspace.realPathFor(pid, mount.path, 'read');
      if (root.ok && !this.hostPaths.some((p) => p.host === root.path)) this.hostPaths.push({ host: root.path, standIn: mount.path === '/' ? '' : mount.path });
    }
  }
}

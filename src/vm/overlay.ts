// Per-task copy-on-write overlays. A process that ends well commits each overlay over its base
// mount as one effect, a compare-and-swap on the base's version taken when the overlay began; a
// conflict or a failed commit fails the process instead (which discards them, as any failure does).
// An overlay over a read-only (reference) mount is a private, writable copy of it: there is
// nothing to commit it to, so it is discarded when the process ends, however it ends.
import type { JsonValue } from '../bytecode/json.js';
import type { KernelCore } from './core.js';
import { awaitEffect } from './effect-calls.js';
import { exitProcess, overlays } from './lifecycle.js';
import { failingInstruction } from './outcomes.js';
import type { Process } from './process.js';

/** EXIT: commit the overlays one by one, then end the incarnation ok. */
export function exitOk(k: KernelCore, p: Process, value: JsonValue): void {
  const own = overlays(p);
  if (own.length === 0) {
    exitProcess(k, p, 'ok', value);
    return;
  }
  const readOnly = (m: { over?: string }) => p.mounts.find((base) => base.path === m.over)?.kind === 'reference';
  for (const m of own.filter(readOnly)) k.emit('overlay.discarded', p.name, { over: m.over as string, overlay: m.path });
  const pending = own.filter((m) => !readOnly(m));
  const bases = k.overlayBases.get(p.name);
  const next = (): void => {
    const overlay = pending.shift();
    if (overlay === undefined) {
      exitProcess(k, p, 'ok', value);
      return;
    }
    const over = overlay.over as string;
    const base = bases?.get(overlay.path) ?? 0;
    const current = k.mountVersions.get(over) ?? 0;
    if (current !== base) {
      exitProcess(k, p, 'failed', null, { base, current, kind: 'overlay-conflict', over, overlay: overlay.path }, { at: failingInstruction(p) });
      return;
    }
    const id = awaitEffect(k, p, 'commit', { base, over, overlay: overlay.path }, (c) => {
      if (!c.ok) {
        exitProcess(k, p, 'failed', null, { error: { kind: c.error.kind, message: c.error.message }, kind: 'overlay-commit-failed', overlay: overlay.path }, { at: failingInstruction(p) });
        return;
      }
      k.mountVersions.set(over, current + 1);
      k.emit('overlay.committed', p.name, { effect: id, over, overlay: overlay.path });
      next();
    });
  };
  next();
}

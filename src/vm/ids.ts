// The ids the kernel gives its objects, as branded types. At run time each is the plain string or
// number that events record; the brand only keeps one kind of id from standing in for another or
// for an arbitrary string. Ids are made here, where a process is named or an effect numbered, or
// taken in from outside (`asPid`, `asEffectId`) where the kernel reads an input.

declare const brand: unique symbol;

type Branded<T, Name extends string> = T & { readonly [brand]: Name };

/** A process name: `main`, or a spec's name and its spawn count (`writer#3`); it spans incarnations. */
export type Pid = Branded<string, 'Pid'>;

/** An effect (timers included): its process's name and its number there (`writer#3/e7`). */
export type EffectId = Branded<string, 'EffectId'>;

/** A task record: its index in the task table, in opening order. */
export type TaskRecordId = Branded<number, 'TaskRecordId'>;

/** An artifact record: its index in the artifact store, in recording order. */
export type ArtifactId = Branded<number, 'ArtifactId'>;

/** The process every run starts with. */
export const MAIN_PID = 'main' as Pid;

/** The name of the `count`-th process spawned of a spec. */
export function spawnedPid(spec: string, count: number): Pid {
  return `${spec}#${count}` as Pid;
}

/** The `n`-th effect of a process: numbered per name, so an extra effect in one never shifts another's ids. */
export function nthEffect(pid: Pid, n: number): EffectId {
  return `${pid}/e${n}` as EffectId;
}

/** The process named in an effect id (`writer#3/e7` → `writer#3`). */
export function effectOwner(effect: EffectId): Pid {
  const at = effect.lastIndexOf('/e');
  return (at < 0 ? effect : effect.slice(0, at)) as Pid;
}

/**
 * A process name as an input or a program value gives it. Any string is taken: whether such a
 * process exists is for the process table to say.
 */
export function asPid(name: string): Pid {
  return name as Pid;
}

/** An effect id as an input gives it; one the kernel never issued is discarded as stale. */
export function asEffectId(id: string): EffectId {
  return id as EffectId;
}

/** The task record at `index` of the task table (the table numbers its records). */
export function taskRecordId(index: number): TaskRecordId {
  return index as TaskRecordId;
}

/** The artifact record at `index` of the artifact store, or one a program value names. */
export function artifactId(index: number): ArtifactId {
  return index as ArtifactId;
}

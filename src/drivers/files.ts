// The host's file driver: a run's workspace and per-process mounts, with every open confined to
// its mount's real directory. The pieces live in src/drivers/files/.
export { Workspace, DEFAULT_MAX_FILE_BYTES } from './files/workspace.js';
export type { DirectoryEntry, FileError, FileResult, WorkspaceHooks, WorkspaceOptions } from './files/workspace.js';
export { WorkspaceError } from './files/journal.js';
export type { EntryKind, FileErrorKind } from './files/confined.js';

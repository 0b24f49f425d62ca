/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * manifest.json of a run directory, in RFC 8785 canonical JSON, replaced by an atomic rename at every group commit of events.jsonl. It pins the log's committed prefix by its line count and the h of its last line, so a log cut at a line boundary is caught. Like the events, it holds no timestamp and no host path.
 */
export interface RunManifest {
  format: "aos-run";
  /**
   * The manifest format version; a reader refuses any other.
   */
  version: 1;
  /**
   * The event log, relative to the run directory.
   */
  events: "events.jsonl";
  /**
   * The folder of content-addressed blobs, each named by the sha256 (hex) of its bytes, relative to the run directory.
   */
  blobs: "blobs";
  /**
   * Lines of events.jsonl durable at the last group commit; the log holds at least these.
   */
  count: number;
  /**
   * The h of line count - 1 (64 zeros when count is 0).
   */
  head: string;
  /**
   * The committed lines end with run.finished: the log is complete and takes no more lines.
   */
  finished: boolean;
}

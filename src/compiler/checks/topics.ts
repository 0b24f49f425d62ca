// topic-without-subscriber (a warning): a topic some statement publishes to that no subscribe
// statement anywhere matches. Each such topic is reported once, at its first publish.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { CheckContext } from './context.js';
import { TopicSet } from './topic-set.js';
import { visitsOf } from './visits.js';

export function checkTopics(ctx: CheckContext): Diagnostic[] {
  const subscribed: string[] = [];
  for (const { stmt } of visitsOf(ctx.walk, 'subscribe')) if (stmt.kind === 'subscribe') subscribed.push(stmt.topic);
  const subscriptions = new TopicSet(subscribed);
  const reported = new Set<string>();
  const out: Diagnostic[] = [];
  for (const visit of visitsOf(ctx.walk, 'publish')) {
    const stmt = visit.stmt;
    if (stmt.kind !== 'publish' || reported.has(stmt.topic) || subscriptions.covers(stmt.topic)) continue;
    reported.add(stmt.topic);
    out.push(
      diagnostic('topic-without-subscriber', {
        pointer: `${visit.pointer}/topic`,
        message: `topic "${stmt.topic}" is published, but no subscribe statement matches it`,
        params: { topic: stmt.topic },
      }),
    );
  }
  return out;
}

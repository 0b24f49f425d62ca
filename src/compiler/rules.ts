// Every diagnostic rule, with its stable id and default severity. Rule ids never change;
// message wording may.
export type Severity = 'error' | 'warning';

interface RuleInfo {
  readonly severity: Severity;
  readonly summary: string;
}

export const RULES = {
  'syntax-error': { severity: 'error', summary: 'The source does not parse.' },
  'invalid-encoding': { severity: 'error', summary: 'The file is not valid UTF-8.' },
  'nesting-too-deep': { severity: 'error', summary: 'Blocks or expressions nest deeper than the fixed bound.' },
  'unsafe-integer': { severity: 'error', summary: 'A number is not a safe integer (checked on its raw text).' },
  'duplicate-key': { severity: 'error', summary: 'A JSON object has the same key twice.' },
  schema: { severity: 'error', summary: 'The workflow does not match schemas/workflow.schema.json.' },
  'duplicate-name': { severity: 'error', summary: 'Two declarations (or two variables in one block) share a name.' },
  'unknown-agent': { severity: 'error', summary: 'An agent that is not declared.' },
  'unknown-task': { severity: 'error', summary: 'A task that is not declared.' },
  'unknown-tool': { severity: 'error', summary: 'A tool that is not declared.' },
  'unknown-model': { severity: 'error', summary: 'A model that is not declared.' },
  'unknown-artifact': { severity: 'error', summary: 'An artifact kind that is not declared.' },
  'unknown-supervisor': { severity: 'error', summary: 'A supervision policy that is not declared.' },
  'unknown-retry': { severity: 'error', summary: 'A retry policy that is not declared.' },
  'unknown-variable': { severity: 'error', summary: 'A variable that is not in scope.' },
  'extends-cycle': { severity: 'error', summary: 'Agents extend each other in a cycle.' },
  'include-missing': { severity: 'error', summary: 'A prompt or schema file cannot be read.' },
  'include-path': { severity: 'error', summary: 'An included file path is absolute or not portable.' },
  'invalid-artifact-schema': { severity: 'error', summary: "An artifact kind's schema is not a valid JSON Schema." },
  'unreachable-code': { severity: 'error', summary: 'A statement can never run.' },
  'unbounded-loop': { severity: 'error', summary: 'A loop has no `max` bound, or a bound below 1.' },
  'ask-outside-agent': { severity: 'error', summary: '`ask` used outside a structured agent program.' },
  'capability-escalation': { severity: 'error', summary: 'A child is granted more than the process that spawns it.' },
  'capability-not-granted': { severity: 'error', summary: 'A program does something its own capabilities do not allow.' },
  'self-verification': { severity: 'error', summary: 'A task is verified by its own producer or the same spec lineage.' },
  'missing-verification': { severity: 'warning', summary: 'A task that produces artifacts declares no verification.' },
  'mount-path': { severity: 'error', summary: 'A mount path is relative, contains `..`, or overlaps another mount.' },
  'path-outside-mounts': { severity: 'error', summary: 'A literal path lies in none of the process\'s mounts.' },
  'placeholder-unbound': { severity: 'error', summary: 'A tool placeholder has no parameter, or a call gives no value for one.' },
  'placeholder-type': { severity: 'error', summary: 'A value does not fit its placeholder type.' },
  'placeholder-option': { severity: 'warning', summary: 'An int placeholder in argv that a negative value would turn into an option: neither after `--` nor an option\'s value.' },
  'budget-missing': { severity: 'error', summary: 'An agent has no budget, or its budget omits turns, tokens or time.' },
  'budget-invalid': { severity: 'error', summary: 'A budget, bound or duration is zero or negative.' },
  'parallel-write-conflict': { severity: 'error', summary: 'Two parallel branches write the same variable or shared path.' },
  'may-block-forever': { severity: 'warning', summary: 'A recv or await without a timeout can block forever.' },
  'topic-without-subscriber': { severity: 'warning', summary: 'A topic is published but nothing subscribes to it.' },
  'unused-agent': { severity: 'warning', summary: 'An agent is never spawned, called or used as a verifier.' },
  'unused-tool': { severity: 'warning', summary: 'A tool is never granted, executed or used to verify.' },
  'unused-task': { severity: 'warning', summary: 'A task is never assigned or verified.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export function isRuleId(id: string): id is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, id);
}

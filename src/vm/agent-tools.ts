// The tools a free agent's model may call: the built-in syscalls of schemas/agent-tools.schema.json
// (finish, fail, files, messages, delegation, artifacts) and the exec tools its spec lists. Every
// call is validated against its schema and checked like the same syscall in a program; what goes
// wrong is handed back to the model as the call's result, so it can correct itself.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import agentToolsSchema from '../../schemas/agent-tools.schema.json' with { type: 'json' };
import { canonicalJson } from '../bytecode/canonical.js';
import { assert } from '../bytecode/errors.js';
import { isObject, type JsonObject, type JsonValue } from '../bytecode/json.js';
import { allows } from './caps.js';
import type { KernelCore } from './core.js';
import { awaitEffect, runTool, writeEffect } from './effect-calls.js';
import { handleName } from './handles.js';
import { asPid } from './ids.js';
import { maySend, post } from './ipc-calls.js';
import { exitProcess, exitValue, spawnAgent } from './lifecycle.js';
import { appended } from './lists.js';
import { failingInstruction } from './outcomes.js';
import { exitOk } from './overlay.js';
import { agentLoop, finalExitOf, type Process } from './process.js';
import { attachValue, recordArtifact } from './record-calls.js';
import { resolvePath } from './vfs.js';

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: JsonValue;
}

type Done = (result: JsonValue) => void;
type Builtin = (k: KernelCore, p: Process, args: JsonObject, done: Done) => void;

const defs = agentToolsSchema.$defs as unknown as { [name: string]: JsonObject };
const ajv = new Ajv2020({ strict: false, allErrors: false, allowUnionTypes: true });
ajv.addSchema(agentToolsSchema);
const validators = new Map<string, ValidateFunction>();

function argumentProblem(name: string, args: JsonValue): string | undefined {
  let validate = validators.get(name);
  if (validate === undefined) {
    validate = ajv.getSchema(`${agentToolsSchema.$id}#/$defs/${name}`);
    assert(validate !== undefined, () => `no schema for built-in tool ${name}`);
    validators.set(name, validate);
  }
  if (validate(args)) return undefined;
  const first = validate.errors?.[0];
  return `arguments of ${name}${first?.instancePath ? ` at ${first.instancePath}` : ''}: ${first?.message ?? 'do not match the schema'}`;
}

function error(kind: string, message: string): JsonValue {
  return { error: { kind, message } };
}

/** A denial inside the loop is recorded and told to the model, which may try something else. */
function denied(k: KernelCore, p: Process, op: string, detail: JsonValue, done: Done): void {
  k.emit('cap.denied', p.name, { at: failingInstruction(p), detail, op });
  done(error('denied', `${op} is not allowed: ${canonicalJson(detail)}`));
}

/** Runs `fn` when the process is next stepped, not in the middle of admitting an input. */
export function later(k: KernelCore, p: Process, fn: (value: JsonValue) => void): void {
  agentLoop(p).continuation = fn;
  k.makeReady(p);
}

const BUILTINS: { readonly [name: string]: Builtin } = {
  finish: (k, p, args) => {
    const { id } = recordArtifact(k, p, 'handoff', args['handoff'] ?? null);
    p.attached = appended(p.attached, id);
    p.handoff = id;
    exitOk(k, p, args['output'] ?? null);
  },
  fail: (k, p, args) => exitProcess(k, p, 'failed', null, { kind: 'agent-failed', reason: args['reason'] ?? null }),
  read_file: (k, p, args, done) => {
    const resolved = resolvePath(p.mounts, args['path'], 'read');
    if (!resolved.ok) return done(error(resolved.error, resolved.message));
    awaitEffect(k, p, 'read', { path: resolved.path }, (c) => later(k, p, () => done(c.ok ? { content: c.value } : error(c.error.kind, c.error.message))));
  },
  write_file: (k, p, args, done) => {
    const resolved = resolvePath(p.mounts, args['path'], 'write');
    if (!resolved.ok) return done(error(resolved.error, resolved.message));
    writeEffect(k, p, resolved, String(args['content'] ?? ''), undefined, (c) => later(k, p, () => done(c.ok ? { written: resolved.path } : error(c.error.kind, c.error.message))));
  },
  send_message: (k, p, args, done) => {
    const to = args['to'] === 'parent' ? p.parent : (handleName(args['to'] ?? null) ?? asPid(String(args['to'])));
    const target = to === null ? undefined : k.processes.get(to);
    if (target === undefined) return done(error('unknown-process', `no process named ${JSON.stringify(args['to'])}`));
    if (!maySend(k, p, target)) return denied(k, p, 'send', { to: target.name }, done);
    const sent = post(k, p, target, args['message'] ?? null);
    done(sent.dead ? { dead_letter: true, to: target.name } : { sent: sent.id, to: target.name });
  },
  spawn_agent: (k, p, args, done) => {
    const agent = k.code.agents.findIndex((a) => a.name === args['agent']);
    const entry = k.code.agents[agent];
    if (entry === undefined) return done(error('unknown-agent', `no agent named ${JSON.stringify(args['agent'])}`));
    if (!allows(p.caps, { kind: 'spawn', agent })) return denied(k, p, 'spawn', { agent: entry.name }, done);
    let task: number | null = null;
    if (args['task'] !== undefined) {
      task = k.code.tasks.findIndex((t) => t.name === args['task']);
      if (task < 0) return done(error('unknown-task', `no task named ${JSON.stringify(args['task'])}`));
      if (k.code.tasks[task]?.owner !== agent) return done(error('wrong-owner', `task ${JSON.stringify(args['task'])} is not owned by ${entry.name}`));
    }
    const child = spawnAgent(k, p, agent, args['input'] ?? null, task);
    done({ process: child.name });
  },
  await_agent: (k, p, args, done) => {
    const target = k.processes.get(asPid(String(args['process'])));
    if (target === undefined || target.parent !== p.name) return done(error('unknown-process', `${JSON.stringify(args['process'])} is not a process this agent spawned`));
    if (target.final) return done(exitValue(finalExitOf(target)));
    target.awaiters = appended(target.awaiters, p.name);
    k.block(p, { kind: 'await', target: target.name, timer: null, cancelOnTimeout: false });
    agentLoop(p).continuation = (value) => done(value);
  },
  attach_artifact: (k, p, args, done) => {
    const entry = k.code.artifacts.find((a) => a.name === args['kind']);
    if (entry === undefined) return done(error('unknown-artifact', `no artifact kind named ${JSON.stringify(args['kind'])}`));
    const attached = attachValue(k, p, entry, args['value'] ?? null);
    done('problem' in attached ? error('malformed-artifact', `${entry.name}: ${attached.problem}`) : attached.ref);
  },
};

/** The tools offered to the model: the built-ins, then the exec tools the agent's spec lists. */
export function toolSpecs(k: KernelCore, p: Process): JsonValue[] {
  const specs: JsonValue[] = Object.keys(BUILTINS).map((name) => {
    const schema = defs[name] ?? {};
    return { description: schema['description'] ?? '', name, parameters: { ...schema, $defs: { handoff: defs['handoff'] ?? {} } } };
  });
  for (const index of k.agentOf(p)?.tools ?? []) {
    const tool = k.code.tools[index];
    if (tool !== undefined) specs.push({ description: tool.description ?? '', name: tool.name, parameters: k.constant(tool.argsSchema) });
  }
  return specs;
}

/** Runs one tool call and hands its result to `done` (finish and fail end the process instead). */
export function runAgentTool(k: KernelCore, p: Process, call: ToolCall, done: Done): void {
  const args = call.arguments;
  const builtin = BUILTINS[call.name];
  if (builtin !== undefined) {
    const problem = argumentProblem(call.name, args);
    if (problem !== undefined) return done(error('invalid-arguments', problem));
    builtin(k, p, args as JsonObject, done);
    return;
  }
  const toolIndex = k.code.tools.findIndex((t) => t.name === call.name);
  const tool = k.code.tools[toolIndex];
  if (tool === undefined || !(k.agentOf(p)?.tools ?? []).includes(toolIndex)) return done(error('unknown-tool', `no tool named ${JSON.stringify(call.name)} is offered to this agent`));
  if (!allows(p.caps, { kind: 'tool', tool: toolIndex })) return denied(k, p, 'exec', { tool: tool.name }, done);
  const problem = k.validator.problem(tool.argsSchema, args);
  if (problem !== undefined) return done(error('invalid-arguments', `arguments of ${tool.name}: ${problem}`));
  runTool(k, p, toolIndex, isObject(args) ? args : {}, (result) => later(k, p, () => done(result)));
}

import { assertKnownKeys, nearestName, optionKeys } from '../_lib/options.js';
import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import type { BuildStepsOptions } from './_chat-steps.js';
import type { ChatParseOptions, ToolSelectionOptions, TrajectoryParseOptions } from './parse-options.js';
import { renderToolCall, type ToolCallRenderer } from './render-tool-call.js';

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeType(value);
}

/**
 * `value` if it is one of `allowed`, `fallback` if it is undefined, else a `TypeError`
 * naming the function and the option.
 * @internal
 */
export function oneOfOption<T extends string>(value: unknown, allowed: readonly T[], fallback: T, fn: string, name: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(`${fn}: option '${name}' must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${show(value)}`);
  }
  return value as T;
}

/**
 * `value` if it is a string or undefined, else a `TypeError`.
 * @internal
 */
export function stringOption(value: unknown, fn: string, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${fn}: option '${name}' must be a string, got ${describeType(value)}`);
  }
  return value;
}

/**
 * `value` if it is a function or undefined, else a `TypeError`.
 * @internal
 */
export function functionOption<F>(value: F | undefined, fn: string, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${fn}: option '${name}' must be a function, got ${describeType(value)}`);
  }
  return value;
}

/**
 * `value` if it is an array of strings or undefined, else a `TypeError`.
 * @internal
 */
export function stringArrayOption(value: unknown, fn: string, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new TypeError(`${fn}: option '${name}' must be an array of strings, got ${describeType(value)}`);
  }
  return value as readonly string[];
}

/**
 * A `TypeError` for a top-level argument of the wrong kind.
 * @internal
 */
export function argumentError(fn: string, arg: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${fn}: argument '${arg}' must be ${expected}, got ${describeType(value)}`);
}

/** The options of the chat-format parsers. @internal */
export const CHAT_OPTION_KEYS = optionKeys<ChatParseOptions>({
  source: true,
  id: true,
  onInvalidTurn: true,
  renderToolCall: true,
  taskRoles: true,
  textTurns: true,
  shareThought: true,
  thinkingTools: true,
  dropTools: true,
  keepTools: true,
});

/**
 * What becomes of the calls of each tool (see {@link ToolSelectionOptions}).
 * @internal
 */
export interface ToolPolicy {
  /** Tools whose calls are folded into the next step's thought. */
  readonly thinking: readonly string[];
  /** `dropTools`, when given. */
  readonly drop: readonly string[] | undefined;
  /** `keepTools`, when given. */
  readonly keep: readonly string[] | undefined;
}

/** The policy of the defaults: `think` calls are thoughts, every other call a step. @internal */
export const DEFAULT_TOOL_POLICY: ToolPolicy = Object.freeze({ thinking: Object.freeze(['think']), drop: undefined, keep: undefined });

/**
 * What a call to tool `name` is: a step, a thought (a thinking tool), or dropped.
 * `dropTools` wins over `thinkingTools`, which wins over `keepTools`.
 * @internal
 */
export function toolCallRole(policy: ToolPolicy, name: string): 'step' | 'thinking' | 'drop' {
  if (policy.drop?.includes(name) === true) return 'drop';
  if (policy.thinking.includes(name)) return 'thinking';
  if (policy.keep !== undefined && !policy.keep.includes(name)) return 'drop';
  return 'step';
}

function toolNames(value: unknown, fn: string, name: string): readonly string[] | undefined {
  const names = stringArrayOption(value, fn, name);
  names?.forEach((tool, i) => {
    if (tool === '') throw new TypeError(`${fn}: option '${name}[${i}]' must be a tool name, got the empty string`);
  });
  return names;
}

/**
 * Checks `thinkingTools`, `dropTools` and `keepTools` (arrays of non-empty tool
 * names; `dropTools` and `keepTools` not both) and returns the policy.
 * @internal
 */
export function resolveToolPolicy(options: ToolSelectionOptions | undefined, fn: string): ToolPolicy {
  const thinking = toolNames(options?.thinkingTools, fn, 'thinkingTools');
  const drop = toolNames(options?.dropTools, fn, 'dropTools');
  const keep = toolNames(options?.keepTools, fn, 'keepTools');
  if (drop !== undefined && keep !== undefined) {
    throw new TypeError(
      `${fn}: options 'dropTools' and 'keepTools' cannot be used together: give the tools to drop, or the only tools to keep`,
    );
  }
  if (thinking === undefined && drop === undefined && keep === undefined) return DEFAULT_TOOL_POLICY;
  return { thinking: thinking ?? DEFAULT_TOOL_POLICY.thinking, drop, keep };
}

/** @internal */
export interface ResolvedOptions {
  readonly source: string | undefined;
  readonly id: string | undefined;
  readonly build: BuildStepsOptions;
}

/**
 * Checks the options every parser takes, and that `options` has no key but
 * `allowed` (the parser's whole set of options).
 * @internal
 */
export function resolveOptions(options: TrajectoryParseOptions | undefined, fn: string, allowed: readonly string[]): ResolvedOptions {
  assertOptions(options, fn);
  assertKnownKeys(options, allowed, fn);
  const source = stringOption(options?.source, fn, 'source');
  return {
    source,
    id: stringOption(options?.id, fn, 'id'),
    build: {
      source,
      onInvalidTurn: oneOfOption(options?.onInvalidTurn, ['throw', 'skip'], 'throw', fn, 'onInvalidTurn'),
      textTurns: 'steps',
      shareThought: 'first',
      tools: DEFAULT_TOOL_POLICY,
    },
  };
}

/** @internal */
export interface ResolvedChatOptions extends ResolvedOptions {
  readonly render: ToolCallRenderer;
  readonly taskRoles: readonly string[] | undefined;
}

/**
 * Checks the options of the chat-format parsers: `allowed` is the parser's whole
 * set of options, `roles` the roles its format defines (what `taskRoles` may name).
 * @internal
 */
export function resolveChatOptions(
  options: ChatParseOptions | undefined,
  fn: string,
  allowed: readonly string[],
  roles: readonly string[],
): ResolvedChatOptions {
  const base = resolveOptions(options, fn, allowed);
  const taskRoles = stringArrayOption(options?.taskRoles, fn, 'taskRoles');
  taskRoles?.forEach((role, i) => {
    if (roles.includes(role)) return;
    throw new TypeError(
      `${fn}: option 'taskRoles[${i}]' must be a role of the format (${roles.map((r) => `'${r}'`).join(', ')}), ` +
        `got ${JSON.stringify(role)} (did you mean '${nearestName(role, roles)}'?)`,
    );
  });
  return {
    ...base,
    render: functionOption(options?.renderToolCall, fn, 'renderToolCall') ?? renderToolCall,
    taskRoles,
    build: {
      ...base.build,
      textTurns: oneOfOption(options?.textTurns, ['steps', 'skip'], 'steps', fn, 'textTurns'),
      shareThought: oneOfOption(options?.shareThought, ['first', 'each'], 'first', fn, 'shareThought'),
      tools: resolveToolPolicy(options, fn),
    },
  };
}

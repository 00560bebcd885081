import type { OnError } from './error-policy.js';
import type { ToolCallRenderer } from './render-tool-call.js';

/** Options every trajectory parser takes. */
export interface TrajectoryParseOptions {
  /** A file name or label of the input: put in every {@link TrajectoryError} and in `meta.source`. */
  readonly source?: string | undefined;
  /** The trajectory id; overrides any id the input carries. */
  readonly id?: string | undefined;
  /**
   * What to do with an agent turn that gives no valid step (no action, a tool
   * call whose arguments are not JSON, zero or two bash blocks, ...): `'throw'`
   * (default) raises a {@link TrajectoryError}; `'skip'` drops the turn, and the
   * messages that answer it, and counts it in `meta.skippedTurns`. Errors in the
   * structure of the input (a message that is not an object, a missing role) always throw.
   */
  readonly onInvalidTurn?: OnError | undefined;
}

/** Options of the chat-format parsers (OpenAI and Anthropic messages, Claude Code, tau-bench). */
export interface ChatParseOptions extends TrajectoryParseOptions {
  /** Renders a tool call as the step's action. Default: {@link renderToolCall}, `name({"arg":...})`. */
  readonly renderToolCall?: ToolCallRenderer | undefined;
  /**
   * Which roles of the messages before the first assistant message make up the
   * task. Default: all of them (system prompt and user request).
   */
  readonly taskRoles?: readonly string[] | undefined;
  /**
   * Assistant text that is not followed by a tool call (a reply to the user):
   * `'steps'` (default) makes it a step whose action is the text and whose
   * observation is what the user answered, since talking to the user is an
   * action of a chat agent (tau-bench scores it); `'skip'` drops it, with the user
   * messages that answer it, and counts it in `meta.skippedTextTurns`.
   */
  readonly textTurns?: 'steps' | 'skip' | undefined;
  /**
   * How the reasoning text of one assistant message is shared among its tool
   * calls: `'first'` (default) gives each text to the next call only (so of
   * `[text, call, call]` the second call has no thought, as the model wrote it);
   * `'each'` gives every call all the text written before it in that message.
   */
  readonly shareThought?: 'first' | 'each' | undefined;
}

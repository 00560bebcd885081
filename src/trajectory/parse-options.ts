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

/**
 * Which tool calls become steps: the options of every parser that reads named tool
 * calls (the chat parsers, and SWE-agent's `history`). A step is an action in the
 * environment (paper §1), so calls that only think, or that you do not want to train
 * on, can be taken out of the steps here. A name matches a call's tool name exactly.
 *
 * Which option wins for a name: `dropTools` (or a name `keepTools` leaves out) drops
 * the call, unless it is a thinking tool that `dropTools` does not name; so
 * `dropTools: ['think']` drops thinking calls with their text, and `keepTools: ['bash']`
 * still folds `think` calls into thoughts (add `thinkingTools: []` to drop them too).
 */
export interface ToolSelectionOptions {
  /**
   * Tools that only think (tau-bench's `think`, Anthropic's "think" tool): a call to one
   * is not a step. Its text is put before the thought of the next step (the next tool
   * call or text reply the agent makes, in this message or a later one), after a blank
   * line, with the text written before the call; its tool result (empty for `think`) is
   * dropped, as are other messages that answer a turn made only of such calls. The text
   * of a call is its single string argument (`{"thought": "..."}` gives the thought), a
   * string argument as it is, or else the arguments as compact JSON (`{}`: none). When
   * no step follows (the run ends, or the next step is a text reply that
   * `textTurns: 'skip'` drops), the text is dropped and counted in
   * `meta.droppedThinkingCalls`; `meta.thinkingCalls` counts all such calls. Default
   * `['think']`; `[]` makes every call a step, as before.
   */
  readonly thinkingTools?: readonly string[] | undefined;
  /**
   * Tools whose calls are not steps: each call is dropped with its tool result, and the
   * text written before it goes to the next step's thought. Counted in
   * `meta.droppedToolCalls`. Not with `keepTools` (a `TypeError`).
   */
  readonly dropTools?: readonly string[] | undefined;
  /**
   * The only tools whose calls are steps: a call to any other tool is dropped, as with
   * `dropTools` (thinking tools are still folded into thoughts). Text replies to the user
   * are not tool calls and stay steps (see `textTurns`). Not with `dropTools` (a `TypeError`).
   */
  readonly keepTools?: readonly string[] | undefined;
}

/** Options of the chat-format parsers (OpenAI and Anthropic messages, Claude Code, tau-bench). */
export interface ChatParseOptions extends TrajectoryParseOptions, ToolSelectionOptions {
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

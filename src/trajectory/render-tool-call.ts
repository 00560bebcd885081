/**
 * One tool call of an agent trajectory, as the parsers hand it to a
 * {@link ToolCallRenderer}: the tool's name and its arguments, already parsed.
 */
export interface ToolCall {
  /** The tool (function) name; never empty. */
  readonly name: string;
  /**
   * The arguments as a JSON value (an object for every real API): OpenAI's
   * `function.arguments` string parsed with `JSON.parse`, Anthropic's `input` as is.
   */
  readonly arguments: unknown;
  /** The arguments exactly as the source wrote them, when the source had a JSON string (OpenAI). */
  readonly argumentsText?: string | undefined;
  /** The call id (`tool_calls[].id`, `tool_use.id`), when the source has one. */
  readonly id?: string | undefined;
}

/**
 * Turns a {@link ToolCall} into the action text of a step: the target the step
 * reward compares against. Must return a non-empty string.
 */
export type ToolCallRenderer = (call: ToolCall) => string;

/**
 * The default rendering of a tool call as a step action: `name(arguments)`, the
 * arguments as compact JSON (`JSON.stringify` of the parsed value, so the source's
 * whitespace and escapes do not matter, and the key order of the source is kept).
 * It is stable: the same call always renders to the same text, whichever API
 * (OpenAI string arguments or Anthropic `input` objects) recorded it.
 *
 * @param call - The tool call.
 * @returns `name(json)`; `name()` when the arguments are undefined.
 * @example
 * ```ts
 * import { renderToolCall } from 'srl-kit';
 * renderToolCall({ name: 'get_user_details', arguments: { user_id: 'mia_li_3668' } });
 * //=> 'get_user_details({"user_id":"mia_li_3668"})'
 * renderToolCall({ name: 'submit', arguments: {} }); //=> 'submit({})'
 * ```
 */
export function renderToolCall(call: ToolCall): string {
  return call.arguments === undefined ? `${call.name}()` : `${call.name}(${JSON.stringify(call.arguments)})`;
}

/**
 * Renders a tool call in the XML-like text format that the SRL paper shows for
 * software agents (`<function=bash><parameter=command>...</parameter></function>`),
 * laid out as OpenHands writes it for models without native function calling:
 * `<function=NAME>`, then one `<parameter=KEY>VALUE</parameter>` line per
 * argument (in the source's key order), then `</function>`. A string value is
 * written verbatim, on its own lines when it holds a newline; any other value as
 * JSON (`true`, `null`, `3`, `{"a":1}`; OpenHands, in Python, writes `True`, `None`).
 * Arguments that are not an object are written as JSON between the two tags.
 *
 * @param call - The tool call.
 * @returns The rendered call.
 * @example
 * ```ts
 * import { renderToolCallXml } from 'srl-kit';
 * renderToolCallXml({ name: 'bash', arguments: { command: 'ls -la' } });
 * //=> '<function=bash>\n<parameter=command>ls -la</parameter>\n</function>'
 * ```
 */
export function renderToolCallXml(call: ToolCall): string {
  const args = call.arguments;
  let out = `<function=${call.name}>\n`;
  if (typeof args === 'object' && args !== null && !Array.isArray(args)) {
    for (const [key, value] of Object.entries(args)) {
      const multiline = typeof value === 'string' && value.includes('\n');
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      out += multiline ? `<parameter=${key}>\n${text}\n</parameter>\n` : `<parameter=${key}>${text}</parameter>\n`;
    }
  } else if (args !== undefined) {
    out += `${JSON.stringify(args)}\n`;
  }
  return `${out}</function>`;
}

/**
 * One chat message, as OpenAI-style chat APIs and Hugging Face chat templates take
 * it. Only `role` and `content` are read by srl-kit; other fields are kept.
 */
export interface ChatMessage {
  /** `'system'`, `'user'`, `'assistant'`, `'tool'`, or another role your template knows. */
  readonly role: string;
  /** The text of the message. */
  readonly content: string;
}

/**
 * One step of an expert trajectory: one logical action (an algebraic move, one
 * command or tool call), with the reasoning before it and what the environment
 * answered, when the source has them.
 */
export interface Step {
  /** The action: the target the step reward compares against. Never empty. */
  readonly action: string;
  /** The expert's reasoning before the action, if recorded. */
  readonly thought?: string | undefined;
  /** What the environment returned after the action (tool output), if any. */
  readonly observation?: string | undefined;
  /** A short title (the "**Title**" of a numbered maths step), if any. */
  readonly title?: string | undefined;
}

/**
 * An expert trajectory: a task and the expert's steps that solve it (paper §1).
 */
export interface Trajectory {
  /** An identifier, carried into every step prompt built from it. */
  readonly id?: string | undefined;
  /** The task: a problem statement, or the chat that sets it (system prompt, issue text, ...). */
  readonly task: string | readonly ChatMessage[];
  /** The expert's steps, in order; at least one. */
  readonly steps: readonly Step[];
  /** Anything else worth keeping (source, answer, reward, ...); copied into prompt metadata. */
  readonly meta?: Readonly<Record<string, unknown>> | undefined;
}

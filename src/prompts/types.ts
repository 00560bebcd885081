import type { ChatMessage } from '../trajectory/types.js';

/**
 * One training prompt of SRL (paper §2): the chat that asks the model for expert
 * step `stepIndex + 1` given the task and the steps before it, and the target the
 * step reward compares the model's action against.
 */
export interface StepPrompt {
  /** The chat to send: a system message, then the user message (or what a custom template returns). */
  readonly messages: readonly ChatMessage[];
  /** The expert's action for this step: `stepReward(output, target)`. Never empty. */
  readonly target: string;
  /** 0-based index of the target step in the trajectory. */
  readonly stepIndex: number;
  /** Number of steps of the trajectory. */
  readonly totalSteps: number;
  /** The trajectory's id, when it has one. */
  readonly trajectoryId?: string | undefined;
  /** The trajectory's meta, plus what building the prompt decided (template, dropped history, ...). */
  readonly meta: Readonly<Record<string, unknown>>;
}

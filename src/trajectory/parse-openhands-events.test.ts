import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpenHandsEvents } from './parse-openhands-events.js';
import { renderToolCall } from './render-tool-call.js';
import { thrown } from '../../test/helpers/thrown.js';

/** An event, loosely typed: the tests edit events freely to build malformed variants. */
type Ev = Record<string, any>;

/** A real run of OpenHands' tests/runtime/trajs/ (see test/fixtures/trajectories/agent/SOURCES.txt). */
function load(name: string): Ev[] {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, `../../test/fixtures/trajectories/agent/openhands_${name}.json`), 'utf8')) as Ev[];
}

const basic = load('basic');
const gui = load('basic_gui_mode');
const interactions = load('basic_interactions');
const rename = load('wrong_initial_state');

const FINISH = '<function=finish>\n</function>';
const VIEW_WORKSPACE = '<function=str_replace_editor>\n<parameter=command>view</parameter>\n<parameter=path>/workspace</parameter>\n</function>';
const LISTING = "Here's the files and directories up to 2 levels deep in /workspace, excluding hidden items:\n/workspace/";

/** The editor call that creates `path` with `text`, as renderToolCallXml writes it. */
function create(path: string, text: string): string {
  return `<function=str_replace_editor>\n<parameter=command>create</parameter>\n<parameter=path>${path}</parameter>\n<parameter=file_text>\n${text}\n</parameter>\n</function>`;
}

function bash(command: string): string {
  return `<function=execute_bash>\n<parameter=command>${command}</parameter>\n</function>`;
}

describe('parseOpenHandsEvents on basic.json (an edit, then finish)', () => {
  const t = parseOpenHandsEvents(basic, { source: 'basic.json' });

  it('takes the first user message as the task', () => {
    expect(t.task).toBe('Please create a simple 2048 game. No need to run it. Please finish the interaction after your finish coding.');
  });

  it('renders the edit as the str_replace_editor call the model emitted, its thought kept', () => {
    // The file's text as the environment wrote it (the observation's extras), not the call the parser reads.
    const file = basic[2]!.extras.new_content as string;
    expect(file.startsWith('import random\nimport keyboard\n\nclass Game2048:\n    def __init__(self):')).toBe(true);
    expect(file.endsWith('if __name__ == "__main__":\n    main()')).toBe(true);
    expect(t.steps[0]).toEqual({
      action: create('/workspace/game_2048.py', file),
      thought: "I'll help you create a simple 2048 game in Python. I'll use the str_replace_editor to create the file.",
      observation: basic[2]!.content,
    });
    expect(t.steps[0]!.observation).toMatch(/^--- \/workspace\/game_2048\.py\n\+\+\+ \/workspace\/game_2048\.py\n@@ -0,0 \+1,2 @@\n\+import random\n/);
  });

  it('keeps finish as the last step, with the closing summary as its thought and no observation', () => {
    expect(t.steps).toHaveLength(2);
    expect(t.steps[1]!.action).toBe(FINISH);
    expect(t.steps[1]!.thought).toMatch(/^I've created a simple implementation of the 2048 game with the following features:\n\n1\. A 4x4 game board\n/);
    expect(t.steps[1]!.thought).toMatch(/The game ends when no more moves are possible\.$/);
    expect(t.steps[1]!.observation).toBeUndefined();
  });

  it('counts what it read in meta', () => {
    expect(t.meta).toEqual({
      format: 'openhands-events',
      source: 'basic.json',
      events: 4,
      steps: 2,
      droppedEvents: {},
      unmatchedObservations: 0,
      models: ['claude-3-5-sonnet-20241022'],
    });
  });
});

describe('parseOpenHandsEvents on basic_gui_mode.json (state events, commands, a reply)', () => {
  const t = parseOpenHandsEvents(gui);

  it('reads the task after the state changes', () => {
    expect(t.task).toBe(
      'I want to create a VueJS app that allows me to:\n* See all the items on my todo list\n* add a new item to the list\n* mark an item as done\n' +
        '* totally remove an item from the list\n* change the text of an item\n* set a due date on the item\n\n' +
        'This should be a client-only app with no backend. The list should persist in localStorage.',
    );
  });

  it('makes the two commands, the two edits and the closing message steps, each with its observation', () => {
    expect(t.steps).toHaveLength(5);
    expect(t.steps[0]).toEqual({
      action: bash('mkdir -p /workspace/todo-app'),
      thought:
        "I'll help you create a Vue.js application with all the requested todo list functionality. Let's create this step by step.\n\n" +
        "First, let's create a new directory and set up the basic files:",
      observation: '', // mkdir printed nothing
    });
    expect(t.steps[1]).toEqual({
      action: create('/workspace/todo-app/index.html', gui[10]!.extras.new_content as string),
      thought: "Let's create the main HTML file:",
      observation: gui[10]!.content,
    });
    expect(t.steps[2]).toEqual({
      action: create('/workspace/todo-app/app.js', gui[12]!.extras.new_content as string),
      thought: "Now, let's create the JavaScript file with the Vue application logic:",
      observation: gui[12]!.content,
    });
    expect(t.steps[3]).toEqual({
      action: bash('cd /workspace/todo-app && python3 -m http.server 8000'),
      thought: "Let's serve this application using a simple Python HTTP server:",
      observation: 'Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...',
    });
    // The agent's message to the user is a text step; the "No observation" event answering it is not an observation.
    expect(t.steps[4]!.action).toMatch(/^I've created a complete Vue\.js todo application with all the requested features\./);
    expect(t.steps[4]!.action).toMatch(/make any adjustments to the functionality\?$/);
    expect(t.steps[4]!.thought).toBeUndefined();
    expect(t.steps[4]!.observation).toBeUndefined();
  });

  it('counts the state events it dropped, by kind', () => {
    expect(t.meta).toEqual({
      format: 'openhands-events',
      events: 18,
      steps: 5,
      droppedEvents: { 'observation:agent_state_changed': 4, 'action:change_agent_state': 1, 'observation:null': 3 },
      unmatchedObservations: 0,
      models: ['claude-3-5-sonnet-20241022'],
    });
  });

  it('matches observations by cause, not by position', () => {
    const moved = structuredClone(gui);
    const [mkdirOutput] = moved.splice(8, 1); // the output of mkdir (cause 7) ...
    moved.splice(11, 0, mkdirOutput!); // ... now after both edits and their observations
    const u = parseOpenHandsEvents(moved);
    expect(u.steps).toEqual(t.steps);
  });

  it('counts an observation whose cause is no event, and leaves its step without one', () => {
    const lost = structuredClone(gui);
    lost[14]!.cause = 999; // the server's output
    const u = parseOpenHandsEvents(lost);
    expect(u.steps[3]!.observation).toBeUndefined();
    expect(u.meta).toMatchObject({ unmatchedObservations: 1, missingObservations: 1, droppedEvents: { 'observation:run': 1 } });
  });

  it('drops the closing message with textTurns: "skip"', () => {
    const u = parseOpenHandsEvents(gui, { textTurns: 'skip' });
    expect(u.steps).toEqual(t.steps.slice(0, 4));
    expect(u.meta).toMatchObject({ skippedTextTurns: 1, droppedEvents: { 'action:message': 1 } });
  });
});

describe('parseOpenHandsEvents on basic_interactions.json (a chat with the user)', () => {
  const t = parseOpenHandsEvents(interactions);

  it("makes the agent's replies steps whose observation is the user's next message", () => {
    expect(t.task).toBe("what's 1+1?");
    expect(t.steps).toEqual([
      { action: '1 + 1 equals 2.', observation: "No, I mean by Goldbach's conjecture!" },
      {
        action:
          "Goldbach's conjecture is an unsolved problem in number theory that suggests every even integer greater than 2 can be " +
          "expressed as the sum of two prime numbers. However, it doesn't directly apply to the sum of 1 + 1, as 1 is not " +
          'considered a prime number. The conjecture is more relevant to larger even numbers.',
        observation: 'Finish please',
      },
      // The model sent no text with its finish call (content null, thought ""): OpenHands' "All done!" message is not a thought.
      { action: FINISH },
    ]);
    expect(t.meta).toEqual({
      format: 'openhands-events',
      events: 6,
      steps: 3,
      droppedEvents: {},
      unmatchedObservations: 0,
      appendedUserMessages: 2,
      models: ['gpt-4o-2024-08-06'],
    });
  });

  it('drops the replies, with the user messages that answer them, with textTurns: "skip"', () => {
    const u = parseOpenHandsEvents(interactions, { textTurns: 'skip' });
    expect(u.steps).toEqual([{ action: FINISH }]);
    expect(u.meta).toMatchObject({ steps: 1, skippedTextTurns: 2, droppedEvents: { 'action:message': 4 } });
    expect(u.meta).not.toHaveProperty('appendedUserMessages');
  });
});

describe('parseOpenHandsEvents on wrong_initial_state.json (view, mv, view, finish)', () => {
  const t = parseOpenHandsEvents(rename);
  const expected = [
    {
      action: VIEW_WORKSPACE,
      thought: "I'll help you rename the file. First, let me check if the file exists and its location.",
      observation: `${LISTING}\n/workspace/game_2048.py`,
    },
    {
      // The model's own arguments, "is_input": "false" included.
      action: '<function=execute_bash>\n<parameter=command>mv /workspace/game_2048.py /workspace/2048.py</parameter>\n<parameter=is_input>false</parameter>\n</function>',
      thought: "Great, I found the file. Now I'll use the bash command `mv` to rename it.",
      observation: '',
    },
    { action: VIEW_WORKSPACE, thought: 'Let me verify that the file was renamed successfully:', observation: `${LISTING}\n/workspace/2048.py` },
    { action: FINISH, thought: 'The file has been successfully renamed from `game_2048.py` to `2048.py`. Is there anything else you need help with?' },
  ];

  it('reads the read action as the editor view call, and each observation by cause', () => {
    expect(t.task).toBe('Please rename game_2048.py to 2048.py');
    expect(t.steps).toEqual(expected);
  });

  it('rebuilds the calls from args when the events record no tool call', () => {
    const bare = structuredClone(rename).map(({ tool_call_metadata: _, ...ev }) => ev);
    const u = parseOpenHandsEvents(bare);
    expect(u.steps).toEqual([
      expected[0],
      { ...expected[1], action: bash('mv /workspace/game_2048.py /workspace/2048.py') }, // args.is_input is false
      expected[2],
      expected[3],
    ]);
    expect(u.meta).toMatchObject({ rebuiltActions: 4 });
    expect(u.meta).not.toHaveProperty('models');
  });

  it('renders with the renderToolCall option', () => {
    const u = parseOpenHandsEvents(rename, { renderToolCall });
    expect(u.steps.map((s) => s.action)).toEqual([
      'str_replace_editor({"command":"view","path":"/workspace"})',
      'execute_bash({"command":"mv /workspace/game_2048.py /workspace/2048.py","is_input":"false"})',
      'str_replace_editor({"command":"view","path":"/workspace"})',
      'finish({})',
    ]);
  });

  it('folds a think action into the next thought, dropping its observation', () => {
    const thinking = structuredClone(rename);
    thinking.splice(
      3,
      0,
      { id: 100, source: 'agent', action: 'think', args: { thought: 'The file is there; a plain mv is enough.' } },
      { id: 101, source: 'agent', observation: 'think', cause: 100, content: 'Your thought has been logged.', extras: {} },
    );
    const u = parseOpenHandsEvents(thinking);
    expect(u.steps[1]).toEqual({ ...expected[1], thought: `The file is there; a plain mv is enough.\n\n${expected[1]!.thought}` });
    expect(u.steps).toHaveLength(4);
    expect(u.meta).toMatchObject({ thinkingCalls: 1, droppedEvents: { 'observation:think': 1 }, unmatchedObservations: 0 });

    const asStep = parseOpenHandsEvents(thinking, { thinkingTools: [] });
    expect(asStep.steps[1]).toEqual({
      action: '<function=think>\n<parameter=thought>The file is there; a plain mv is enough.</parameter>\n</function>',
      observation: 'Your thought has been logged.',
    });
    expect(asStep.steps).toHaveLength(5);
  });

  it('counts a think with no step after it as dropped', () => {
    const last = [...structuredClone(rename), { id: 100, source: 'agent', action: 'think', args: { thought: 'All good.' } }];
    expect(parseOpenHandsEvents(last).meta).toMatchObject({ thinkingCalls: 1, droppedThinkingCalls: 1 });
  });

  it('leaves out actions by kind or tool name with dropTools / keepTools, their observations dropped, their thoughts carried', () => {
    const dropped = parseOpenHandsEvents(rename, { dropTools: ['str_replace_editor'] });
    expect(dropped.steps).toEqual([
      { ...expected[1], thought: `${expected[0]!.thought}\n\n${expected[1]!.thought}` },
      { ...expected[3], thought: `${expected[2]!.thought}\n\n${expected[3]!.thought}` },
    ]);
    expect(dropped.meta).toMatchObject({ droppedToolCalls: 2, unmatchedObservations: 0 });
    const kept = parseOpenHandsEvents(rename, { keepTools: ['run', 'finish'] });
    expect(kept.steps.map((s) => s.action)).toEqual([expected[1]!.action, FINISH]);
    expect(kept.meta).toMatchObject({ droppedToolCalls: 2 });
    expect(parseOpenHandsEvents(rename).meta).not.toHaveProperty('droppedToolCalls');
    expect(() => parseOpenHandsEvents(rename, { dropTools: ['a'], keepTools: ['b'] })).toThrow(/'dropTools' and 'keepTools' cannot be used together/);
  });

  it('matches thinkingTools against the tool name too', () => {
    const u = parseOpenHandsEvents(rename, { thinkingTools: ['str_replace_editor'] });
    expect(u.steps.map((s) => s.action)).toEqual([expected[1]!.action, FINISH]);
    expect(u.steps[0]!.thought).toBe(`${expected[0]!.thought}\n\n{"command":"view","path":"/workspace"}\n\n${expected[1]!.thought}`);
    expect(u.meta).toMatchObject({ thinkingCalls: 2, droppedEvents: { 'observation:read': 2 } });
  });

  it('appends a user message sent before the first step to the task', () => {
    const more = structuredClone(rename);
    more.splice(1, 0, { id: 1, source: 'user', action: 'message', args: { content: 'Keep a backup.' } });
    const u = parseOpenHandsEvents(more);
    expect(u.task).toBe('Please rename game_2048.py to 2048.py\n\nKeep a backup.');
    expect(parseOpenHandsEvents(more, { taskFrom: 'messages' }).task).toEqual([
      { role: 'user', content: 'Please rename game_2048.py to 2048.py' },
      { role: 'user', content: 'Keep a backup.' },
    ]);
  });

  it('puts the system prompt in the task with taskFrom: "messages" only', () => {
    const withSystem = [{ id: 50, source: 'agent', action: 'system', args: { content: 'You are OpenHands agent.' } }, ...structuredClone(rename)];
    expect(parseOpenHandsEvents(withSystem, { taskFrom: 'messages' }).task).toEqual([
      { role: 'system', content: 'You are OpenHands agent.' },
      { role: 'user', content: 'Please rename game_2048.py to 2048.py' },
    ]);
    const u = parseOpenHandsEvents(withSystem);
    expect(u.task).toBe('Please rename game_2048.py to 2048.py');
    expect(u.meta).toMatchObject({ droppedEvents: { 'action:system': 1 } });
  });

  it('marks a step answered by an error observation, and counts a step with none', () => {
    const failed = structuredClone(rename);
    failed[4]!.observation = 'error';
    expect(parseOpenHandsEvents(failed).meta).toMatchObject({ toolErrorSteps: [1] });
    const cut = structuredClone(rename);
    cut.splice(4, 1);
    const u = parseOpenHandsEvents(cut);
    expect(u.steps[1]!.observation).toBeUndefined();
    expect(u.meta).toMatchObject({ missingObservations: 1 });
  });

  it('reads an evaluation record {instance_id, history}, naming paths under $.history', () => {
    const u = parseOpenHandsEvents({ instance_id: 'rename-1', history: rename });
    expect(u.id).toBe('rename-1');
    expect(u.steps).toEqual(expected);
    expect(parseOpenHandsEvents({ instance_id: 'rename-1', history: rename }, { id: 'mine' }).id).toBe('mine');
    const bad = structuredClone(rename);
    delete bad[3]!.id;
    expect(thrown(() => parseOpenHandsEvents({ history: bad })).path).toBe('$.history[3].id');
  });
});

describe('parseOpenHandsEvents errors name the event', () => {
  const variant = (edit: (evs: Ev[]) => void): Ev[] => {
    const evs = structuredClone(rename);
    edit(evs);
    return evs;
  };
  const details = (evs: unknown): unknown[] => {
    const e = thrown(() => parseOpenHandsEvents(evs, { source: 'run.json' }));
    return [e.source, e.path, e.expected, e.found];
  };

  it('an event that is not an object', () => {
    expect(details([rename[0], 'oops'])).toEqual(['run.json', '$[1]', 'an OpenHands event object {id, source, action or observation}', 'the string "oops"']);
  });

  it('a missing or repeated id', () => {
    expect(details(variant((evs) => delete evs[3]!.id))).toEqual(['run.json', '$[3].id', 'the id of the event (an integer)', 'nothing']);
    expect(details(variant((evs) => (evs[3]!.id = 0)))).toEqual(['run.json', '$[3].id', 'a unique event id', 'id 0, already the id of $[0]']);
  });

  it('a source that OpenHands does not write', () => {
    expect(details(variant((evs) => (evs[2]!.source = 'robot')))).toEqual([
      'run.json',
      '$[2].source',
      'the source of an OpenHands event ("user", "agent" or "environment")',
      'the string "robot"',
    ]);
  });

  it('both or neither of action and observation', () => {
    expect(details(variant((evs) => (evs[2]!.action = 'read')))).toEqual([
      'run.json',
      '$[2]',
      'an action or an observation (exactly one, a string naming its kind)',
      'both',
    ]);
    expect(details(variant((evs) => delete evs[1]!.action))[1]).toBe('$[1]');
  });

  it('a bad cause, args or observation content', () => {
    expect(details(variant((evs) => (evs[2]!.cause = '3')))).toEqual([
      'run.json',
      '$[2].cause',
      'the id of the action it answers (an integer) or null',
      'the string "3"',
    ]);
    expect(details(variant((evs) => (evs[1]!.args = 'view')))).toEqual(['run.json', '$[1].args', 'the args of the action (an object)', 'the string "view"']);
    expect(details(variant((evs) => (evs[2]!.content = null)))).toEqual(['run.json', '$[2].content', 'the text of the observation (a string)', 'null']);
  });

  it('tool-call arguments that are not JSON, or skips that turn with its observation', () => {
    const evs = variant((e) => (e[3]!.tool_call_metadata.model_response.choices[0].message.tool_calls[0].function.arguments = '{"command": "mv'));
    const e = thrown(() => parseOpenHandsEvents(evs));
    expect(e.path).toBe('$[3].tool_call_metadata.model_response.choices[0].message.tool_calls[0].function.arguments');
    expect(e.expected).toBe('the arguments as a JSON string');
    const u = parseOpenHandsEvents(evs, { onInvalidTurn: 'skip' });
    expect(u.steps.map((s) => s.action)).toEqual([VIEW_WORKSPACE, VIEW_WORKSPACE, FINISH]);
    expect(u.meta).toMatchObject({ skippedTurns: 1, droppedEvents: { 'action:run': 1, 'observation:run': 1 } });
  });

  it('an editor edit recorded only as translated_ipython_code (basic.json without its tool call)', () => {
    const bare = structuredClone(basic).map(({ tool_call_metadata: _, ...ev }) => ev);
    expect(details(bare)).toEqual([
      'run.json',
      '$[1].args.command',
      "the editor command of an edit action, or the model's tool call in tool_call_metadata",
      'nothing',
    ]);
    const u = parseOpenHandsEvents(bare, { onInvalidTurn: 'skip' });
    expect(u.steps).toEqual([{ action: FINISH, thought: basic[3]!.args.thought }]);
    expect(u.meta).toMatchObject({ skippedTurns: 1, droppedEvents: { 'action:edit': 1, 'observation:edit': 1 } });
  });

  it('a run with no command and no tool call', () => {
    const evs = variant((e) => {
      delete e[3]!.tool_call_metadata;
      delete e[3]!.args.command;
    });
    expect(details(evs)).toEqual(['run.json', '$[3].args.command', 'the command of a run action (a string)', 'nothing']);
  });

  it('a renderer that returns an empty action', () => {
    expect(thrown(() => parseOpenHandsEvents(rename, { renderToolCall: () => ' ' })).path).toBe('$[1]');
  });

  it('no task, or no step', () => {
    expect(details(rename.slice(1))).toEqual(['run.json', '$', 'a user message (the task)', 'none']);
    expect(details(rename.slice(0, 1))).toEqual(['run.json', '$', 'at least one agent action (a step)', 'an array of 1']);
  });
});

describe('parseOpenHandsEvents options and arguments', () => {
  it('rejects unknown option keys, naming the nearest', () => {
    expect(() => parseOpenHandsEvents(rename, { thinkingtools: [] } as never)).toThrow(
      /^parseOpenHandsEvents: unknown option 'thinkingtools' in 'options' \(did you mean 'thinkingTools'\?\); valid options: /,
    );
    expect(() => parseOpenHandsEvents(rename, { shareThought: 'each' } as never)).toThrow(
      /valid options: source, id, onInvalidTurn, renderToolCall, textTurns, thinkingTools, dropTools, keepTools, taskFrom$/,
    );
    const every = { source: 'r', id: 'r', onInvalidTurn: 'skip', renderToolCall, textTurns: 'steps', thinkingTools: ['think'], taskFrom: 'first-user' } as const;
    expect(parseOpenHandsEvents(rename, every).steps).toHaveLength(4);
  });

  it('is exported from the package root and srl-kit/trajectory', async () => {
    expect((await import('../index.js')).parseOpenHandsEvents).toBe(parseOpenHandsEvents);
    expect((await import('./index.js')).parseOpenHandsEvents).toBe(parseOpenHandsEvents);
  });

  it('rejects bad option values and arguments with a TypeError naming the function', () => {
    expect(() => parseOpenHandsEvents(rename, { textTurns: 'no' as never })).toThrow(/^parseOpenHandsEvents: option 'textTurns' must be 'steps' or 'skip'/);
    expect(() => parseOpenHandsEvents(rename, { taskFrom: 'first' as never })).toThrow(/^parseOpenHandsEvents: option 'taskFrom'/);
    expect(() => parseOpenHandsEvents(rename, { thinkingTools: [''] })).toThrow(/^parseOpenHandsEvents: option 'thinkingTools\[0\]'/);
    expect(() => parseOpenHandsEvents(rename, { thinkingTools: 'think' as never })).toThrow(TypeError);
    expect(() => parseOpenHandsEvents('[]')).toThrow(/^parseOpenHandsEvents: argument 'events' must be an array of OpenHands events/);
  });
});

import { describe, expect, it } from 'vitest';
import { renderToolCall, renderToolCallXml } from './render-tool-call.js';

describe('renderToolCall', () => {
  it('writes name(compact JSON), keeping key order, whatever the source spacing', () => {
    const args = JSON.parse('{ "b" : 1,\n "a": "x\\u00e9" }') as unknown;
    expect(renderToolCall({ name: 'f', arguments: args, argumentsText: '{ "b" : 1 ... }' })).toBe('f({"b":1,"a":"xé"})');
    expect(renderToolCall({ name: 'submit', arguments: {} })).toBe('submit({})');
    expect(renderToolCall({ name: 'noop', arguments: undefined })).toBe('noop()');
  });
});

describe('renderToolCallXml', () => {
  it('writes the OpenHands / SRL-paper layout', () => {
    expect(renderToolCallXml({ name: 'bash', arguments: { command: 'ls -la' } })).toBe(
      '<function=bash>\n<parameter=command>ls -la</parameter>\n</function>',
    );
    expect(renderToolCallXml({ name: 'edit', arguments: { path: 'a.py', new: 'x = 1\ny = 2', n: 3, ok: true, opt: null, list: [1, 'a'] } })).toBe(
      '<function=edit>\n<parameter=path>a.py</parameter>\n<parameter=new>\nx = 1\ny = 2\n</parameter>\n' +
        '<parameter=n>3</parameter>\n<parameter=ok>true</parameter>\n<parameter=opt>null</parameter>\n<parameter=list>[1,"a"]</parameter>\n</function>',
    );
    expect(renderToolCallXml({ name: 'submit', arguments: {} })).toBe('<function=submit>\n</function>');
    expect(renderToolCallXml({ name: 'f', arguments: [1, 2] })).toBe('<function=f>\n[1,2]\n</function>');
  });
});

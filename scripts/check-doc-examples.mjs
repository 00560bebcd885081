// Checks the TypeDoc JSON (docs/api/api.json): every exported function, class,
// constant and public method has an @example in its doc comment. TypeDoc itself
// (with treatWarningsAsErrors) already fails on anything undocumented.
import { readFileSync } from 'node:fs';

const KIND = { Variable: 32, Function: 64, Class: 128, Method: 2048 };
const api = JSON.parse(readFileSync(new URL('../docs/api/api.json', import.meta.url), 'utf8'));

const hasExample = (comment) => Boolean(comment?.blockTags?.some((tag) => tag.tag === '@example'));
const missing = new Set();

function visit(node, path) {
  const here = node.name ? [...path, node.name] : path;
  const needs = [KIND.Variable, KIND.Function, KIND.Class, KIND.Method].includes(node.kind);
  if (needs && !node.inheritedFrom && !node.flags?.isPrivate) {
    const comments = [node.comment, ...(node.signatures ?? []).map((s) => s.comment)];
    if (!comments.some(hasExample)) missing.add(here.slice(1).join('.'));
  }
  for (const child of node.children ?? []) visit(child, here);
}
visit(api, []);

if (missing.size > 0) {
  console.error(`These public exports have no @example in their TSDoc:\n  ${[...missing].sort().join('\n  ')}`);
  process.exit(1);
}
console.log('every public function, class, constant and method has an @example');

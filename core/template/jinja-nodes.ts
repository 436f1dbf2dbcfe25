import { nodes, type NodeClass } from './nunjucks-internals.js';

const extend = (name: string, fields: string[]) => nodes.Node.extend(name, { fields });

/** Nodes the dialect adds to nunjucks' AST. */
export const JinjaNodes = {
  Tuple: nodes.NodeList.extend('Tuple'),
  Slice: extend('Slice', ['start', 'stop', 'step']),
  Test: extend('Test', ['target', 'name', 'args']),
  Do: extend('Do', ['expr']),
  Break: extend('Break', []),
  Continue: extend('Continue', []),
  With: extend('With', ['targets', 'values', 'body']),
} satisfies Record<string, NodeClass>;

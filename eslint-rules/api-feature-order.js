// The API's rooms depend one way. A feature may import its own files and the features listed before it, never
// one listed after it: a lower feature that must make a higher one act raises a domain event (src/events.ts)
// or takes a port (a function the higher one supplies), and never imports it. `infra/` and `http/` are
// mechanics below every feature and import none.
import path from 'node:path';

/** Lowest first. */
export const API_FEATURE_ORDER = [
  'health',
  'wechat',
  'staff',
  'store',
  'shoppers',
  'anomalies',
  'images',
  'catalog',
  'freight',
  'orders',
  'payments',
  'refunds',
  'shipping',
  'aftersales',
  'messages',
  'push',
  'reconciliation',
  'dashboard',
  'monitoring',
];

const MECHANICS = ['infra', 'http'];

/** Where a file of apps/api/src sits: a feature (with its rank), a mechanics folder, or the frame. */
function placeOf(file) {
  const match = /apps\/api\/src\/(?:modules\/([^/]+)\/|(infra|http)\/)/.exec(file.split(path.sep).join('/'));
  if (!match) return { kind: 'frame' };
  if (match[2]) return { kind: 'mechanics', name: match[2] };
  return { kind: 'feature', name: match[1], rank: API_FEATURE_ORDER.indexOf(match[1]) };
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'API features import only themselves and the features below them' },
    schema: [],
    messages: {
      upward: '{{from}} must not import {{to}}: {{to}} stands above it (raise a domain event or take a port instead).',
      unknown: 'Feature folder {{name}} is not in API_FEATURE_ORDER (eslint-rules/api-feature-order.js): add it where it belongs.',
      mechanics: '{{from}}/ is mechanics below every feature and must not import the feature {{to}}.',
    },
  },
  create(context) {
    const file = context.filename;
    const from = placeOf(file);
    if (from.kind === 'frame') return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = placeOf(path.resolve(path.dirname(file), spec));
      if (to.kind !== 'feature') return;
      if (to.rank < 0) return context.report({ node, messageId: 'unknown', data: { name: to.name } });
      if (from.kind === 'mechanics') return context.report({ node, messageId: 'mechanics', data: { from: from.name, to: to.name } });
      if (from.rank < 0) return context.report({ node, messageId: 'unknown', data: { name: from.name } });
      if (to.rank > from.rank) context.report({ node, messageId: 'upward', data: { from: from.name, to: to.name } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

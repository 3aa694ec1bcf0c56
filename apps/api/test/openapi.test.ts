// Keeps docs/openapi.yaml true to the code: every route the API serves is described, and every described
// path is served.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Router from '@koa/router';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workspaceRoot } from '../src/config';
import type { Connection } from 'mongoose';
import { apiRouters } from '../src/app';
import type { Services } from '../src/context';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function servedRoutes(routers: Router[]): Set<string> {
  const out = new Set<string>();
  for (const router of routers) {
    for (const layer of router.stack) {
      const path = String(layer.path).replace(/:(\w+)/g, '{$1}').replace(/\/$/, '') || '/';
      for (const method of layer.methods) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        out.add(`${method.toLowerCase()} ${path}`);
      }
    }
  }
  return out;
}

describe('docs/openapi.yaml', () => {
  const spec = parse(readFileSync(join(workspaceRoot(), 'docs', 'openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) if (item[method]) documented.add(`${method} ${path}`);
  }
  // Routers only capture their dependencies when built, so empty stand-ins are enough to read their routes.
  const served = servedRoutes(apiRouters({} as Services, {} as Connection));

  it('describes every route the API serves', () => {
    expect([...served].filter((r) => !documented.has(r)).sort()).toEqual([]);
  });

  it('describes no route the API does not serve', () => {
    expect([...documented].filter((r) => !served.has(r)).sort()).toEqual([]);
  });
});

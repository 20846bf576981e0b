import type { Migration } from './migrations';

/**
 * grasp's Hessian-vector product became exact (double backprop) where it was a finite difference
 * that does not converge on NB201's networks (docs/proxies.md): the cached grasp scores were another
 * computation, so they go; the next `proxies` call recomputes grasp alone (the other proxies stay cached).
 */
export const MIGRATION_GRASP_EXACT: Migration = {
  version: 8,
  name: 'grasp scores recomputed with the exact Hessian-vector product',
  up(db) {
    db.exec(`DELETE FROM proxy_scores WHERE proxy = 'grasp';`);
  },
};

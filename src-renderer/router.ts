import { createRouter, createWebHashHistory, type RouteLocationNormalizedLoaded } from 'vue-router';
import ExperimentsView from './views/ExperimentsView.vue';

/** An id route param as a number, or null when it is absent or not a positive integer. */
export function idParam(route: RouteLocationNormalizedLoaded, name: string): number | null {
  const raw = route.params[name] ?? route.query[name];
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isInteger(n) && n > 0 ? n : null;
}

// The browser (the first view) is in the entry chunk; every other view is its own chunk, loaded
// when first opened, so the app's start parses only what the runs table needs (docs/performance.md,
// "Runs browser").
const CompareView = () => import('./views/CompareView.vue');
const GenotypeView = () => import('./views/GenotypeView.vue');
const NewRunView = () => import('./views/NewRunView.vue');
const PredictorsView = () => import('./views/PredictorsView.vue');
const ProxiesView = () => import('./views/ProxiesView.vue');
const RunDashboardView = () => import('./views/RunDashboardView.vue');
const SearchSpacesView = () => import('./views/SearchSpacesView.vue');

/**
 * Loads the run dashboard's chunk (and ECharts with it) ahead of its first opening, when the page is
 * idle after its start: opening a run from the table then parses nothing (docs/performance.md).
 */
export function prefetchViews(): void {
  void RunDashboardView();
}

// Hash history: the same URLs work from Electron's file:// page and from web mode, where the
// page's own query string carries the token.
export function createAppRouter() {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: '/experiments' },
      { path: '/experiments/:id?', name: 'experiments', component: ExperimentsView },
      { path: '/runs/new', name: 'new-run', component: NewRunView },
      { path: '/runs/:id', name: 'run', component: RunDashboardView },
      { path: '/spaces', name: 'spaces', component: SearchSpacesView },
      { path: '/genotypes', name: 'genotypes', component: GenotypeView },
      { path: '/compare', name: 'compare', component: CompareView },
      { path: '/predictors', name: 'predictors', component: PredictorsView },
      { path: '/proxies', name: 'proxies', component: ProxiesView },
      { path: '/:rest(.*)*', redirect: '/experiments' },
    ],
  });
}

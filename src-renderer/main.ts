// First, before any module parses with zod (see zod-setup.ts).
import './zod-setup';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createApi } from './api/client';
import { setApi, useApi } from './api/current';
import { installMenuCommands } from './lib/desktop';
import { downloadText } from './lib/save-text';
import { createAppRouter, prefetchViews } from './router';
import './styles.css';

setApi(createApi());
const router = createAppRouter();
const app = createApp(App).use(createPinia()).use(router);
// The desktop app's menu (New run, Import, Export, ...); nothing in web mode.
installMenuCommands(router, useApi(), downloadText);
// A bug in a view must not leave a blank page or a stack trace: log it, the views show their own errors.
app.config.errorHandler = (err) => console.error('[workbench]', err);
app.mount('#app');
// After the first view has drawn (the browser is idle), load the dashboard's code in the background.
void router.isReady().then(() => requestIdleCallback(prefetchViews, { timeout: 3000 }));

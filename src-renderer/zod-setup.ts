import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to, and probes for it first: under
// the page's Content-Security-Policy (no 'unsafe-eval') that probe logs a CSP violation on every
// load. The interpreted parsers are fast enough for the renderer's small payloads.
z.config({ jitless: true });

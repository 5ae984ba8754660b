import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to, and probes for it first: under
// the server's Content-Security-Policy (no 'unsafe-eval') that probe is a reported violation. The
// interpreted parsers are plenty fast for API answers. Imported first by main.tsx, before any parse.
z.config({ jitless: true });

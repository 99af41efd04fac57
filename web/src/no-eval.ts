/**
 * Imported first by the entry point: the content security policy forbids eval
 * (src/api/security-headers.ts), and zod, which shared domain modules bring into the bundle, probes
 * `new Function` when a schema is defined (a reported violation) to compile its parsers. Set before any
 * schema module loads, it parses the same way, interpreted, without probing.
 */
import { config } from 'zod';

config({ jitless: true });

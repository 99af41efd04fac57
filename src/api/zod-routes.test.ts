/** One HTTP style: zod routes validate and serialise with their shapes; a JSON-schema route is refused. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiErrorHandler } from './error-handler.ts';
import { type ZodTypeProvider, useZodSchemas } from './zod-routes.ts';

const host = () => {
  const app = Fastify();
  app.setErrorHandler(apiErrorHandler);
  useZodSchemas(app);
  return app;
};

describe('zod routes', () => {
  it('refuses a route that declares a JSON schema, naming it', async () => {
    const app = host();
    expect(() =>
      app.get(
        '/old',
        { schema: { querystring: { type: 'object', properties: { n: { type: 'number' } } } } },
        async () => ({}),
      ),
    ).toThrow(/GET \/old declares a JSON schema/);
    await app.close();
  });

  it('validates the query with the shape and serialises only the declared fields', async () => {
    const app = host();
    app.withTypeProvider<ZodTypeProvider>().get(
      '/n',
      {
        schema: {
          querystring: z.object({ n: z.coerce.number().int().max(10) }),
          response: { 200: z.object({ n: z.number() }) },
        },
      },
      async (request) => ({ n: request.query.n, secret: 'not declared' }),
    );
    const ok = await app.inject({ url: '/n?n=3' });
    expect(ok.json()).toEqual({ n: 3 });
    const bad = await app.inject({ url: '/n?n=11' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(/^querystring\/n: /);
    await app.close();
  });
});

/** Login, logout, the caller's identity (with the CSRF token) and changing one's own password. */
import type { FastifyInstance } from 'fastify';
import { InputError, UnauthenticatedError } from '../../errors.ts';
import { MIN_PASSWORD_LENGTH, startSession } from '../accounts/service.ts';
import { SESSION_COOKIE } from '../authenticate.ts';
import { createLoginThrottle } from '../login-throttle.ts';
import { requirePrincipal } from '../principal.ts';
import { hashPassword, randomSecret, verifyPassword } from '../secrets.ts';
import { errorResponses, roleSchema, scopesSchema, userSchema } from './schemas.ts';

const meSchema = {
  type: 'object',
  properties: {
    user: { anyOf: [userSchema, { type: 'null' }] },
    orgId: { type: 'string' },
    role: roleSchema,
    via: { type: 'string', enum: ['session', 'token'] },
    tokenId: { type: 'string' },
    scopes: { ...scopesSchema, description: "a token's scopes (docs/api.md, Token scopes)" },
    csrfToken: {
      type: 'string',
      description: 'send as header x-csrf-token on POST/PUT/PATCH/DELETE with the session cookie',
    },
  },
  required: ['user', 'orgId', 'role', 'via'],
} as const;

/** Registers /auth routes (prefix /api/v1 applied by the caller). */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { store, now, sessionTtlMs, secureCookies, loginRateLimit } = app.deps;
  const throttle = createLoginThrottle({ ...app.deps.loginBackoff, now });
  // Verified when the login is unknown, so that a wrong login and a wrong password cost the same time.
  const dummyHash = hashPassword(randomSecret());

  app.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    {
      config: {
        public: true,
        rateLimit: { max: loginRateLimit.max, timeWindow: loginRateLimit.timeWindowMs },
      },
      schema: {
        tags: ['auth'],
        summary: 'Log in with login name and password; sets the httpOnly session cookie',
        body: {
          type: 'object',
          properties: {
            email: { type: 'string', minLength: 1, maxLength: 200 },
            password: { type: 'string', minLength: 1, maxLength: 500 },
          },
          required: ['email', 'password'],
          additionalProperties: false,
        },
        response: { 200: meSchema, ...errorResponses, 429: errorResponses[400] },
      },
    },
    async (request, reply) => {
      const login = request.body.email.trim();
      // Refused before the password is checked, so waiting attempts guess nothing; known or not, every
      // login name is throttled alike, so the answer does not tell whether an account exists.
      const waitMs = throttle.waitMs(login, request.ip);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        return reply
          .status(429)
          .header('retry-after', String(seconds))
          .send({
            error: 'LOGIN_THROTTLED',
            message: `too many failed logins for this account; try again in ${seconds} s`,
          });
      }
      const found = await store.accounts.getUserByEmail(login);
      const ok = await verifyPassword(found?.passwordHash ?? (await dummyHash), request.body.password);
      if (!found || !ok || found.disabled) {
        throttle.failed(login, request.ip);
        throw new UnauthenticatedError('wrong login or password');
      }
      throttle.succeeded(login, request.ip);
      const cookie = await startSession({ store, now }, found.id, sessionTtlMs);
      void reply.setCookie(SESSION_COOKIE, cookie, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        maxAge: Math.floor(sessionTtlMs / 1000),
      });
      const { passwordHash: _, ...user } = found;
      const csrfToken = reply.generateCsrf({ userInfo: user.id });
      return { user, orgId: user.orgId, role: user.role, via: 'session', csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      if (p.sessionId) await store.accounts.deleteSession(p.sessionId);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      // Any valid token may ask who it is (a device checking its credential), whatever its scopes.
      config: { anyScope: true },
      schema: {
        tags: ['auth'],
        summary: 'Who am I; includes the CSRF token for session callers',
        response: { 200: meSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const user = p.userId ? ((await store.accounts.getUser(p.userId)) ?? null) : null;
      const csrfToken = p.via === 'session' ? reply.generateCsrf({ userInfo: p.userId ?? '' }) : undefined;
      return {
        user,
        orgId: p.orgId,
        role: p.role,
        via: p.via,
        tokenId: p.tokenId,
        ...(p.scopes ? { scopes: [...p.scopes] } : {}),
        csrfToken,
      };
    },
  );

  app.post<{ Body: { current: string; next: string } }>(
    '/auth/password',
    {
      config: { rateLimit: { max: loginRateLimit.max, timeWindow: loginRateLimit.timeWindowMs } },
      schema: {
        tags: ['auth'],
        summary: 'Change my password (ends my other sessions)',
        body: {
          type: 'object',
          properties: {
            current: { type: 'string', minLength: 1, maxLength: 500 },
            next: { type: 'string', minLength: 1, maxLength: 500 },
          },
          required: ['current', 'next'],
          additionalProperties: false,
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      if (!p.userId) throw new InputError('API tokens have no password', { field: 'authorization' });
      const user = await store.accounts.getUser(p.userId);
      const full = user ? await store.accounts.getUserByEmail(user.email) : undefined;
      if (!full || !(await verifyPassword(full.passwordHash, request.body.current))) {
        throw new InputError('the current password is wrong', { field: 'current' });
      }
      if (request.body.next.length < MIN_PASSWORD_LENGTH) {
        throw new InputError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
          field: 'next',
        });
      }
      await store.accounts.updateUser(p.userId, { passwordHash: await hashPassword(request.body.next) });
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );
}

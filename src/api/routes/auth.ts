/** Login, logout, the caller's identity (with the CSRF token) and changing one's own password. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError, UnauthenticatedError } from '../../errors.ts';
import { MIN_PASSWORD_LENGTH, startSession } from '../accounts/service.ts';
import { SESSION_COOKIE } from '../authenticate.ts';
import { createLoginThrottle } from '../login-throttle.ts';
import { requirePrincipal } from '../principal.ts';
import { hashPassword, randomSecret, verifyPassword } from '../secrets.ts';
import { login, me, passwordChange } from '../shapes/accounts.ts';
import { errorBody, errorResponses } from '../shapes/common.ts';
import type { ZodTypeProvider } from '../zod-routes.ts';

const noBody = z.null().describe('done: no body');

/** Registers /auth routes (prefix /api/v1 applied by the caller). */
export async function authRoutes(host: FastifyInstance): Promise<void> {
  const app = host.withTypeProvider<ZodTypeProvider>();
  const { store, now, sessionTtlMs, secureCookies, loginRateLimit } = host.deps;
  const throttle = createLoginThrottle({ ...host.deps.loginBackoff, now });
  // Verified when the login is unknown, so that a wrong login and a wrong password cost the same time.
  const dummyHash = hashPassword(randomSecret());

  app.post(
    '/auth/login',
    {
      config: {
        public: true,
        rateLimit: { max: loginRateLimit.max, timeWindow: loginRateLimit.timeWindowMs },
      },
      schema: {
        tags: ['auth'],
        summary: 'Log in with login name and password; sets the httpOnly session cookie',
        body: login,
        response: { 200: me, ...errorResponses, 429: errorBody },
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
      return { user, orgId: user.orgId, role: user.role, via: 'session' as const, csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        response: { 204: noBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      if (p.sessionId) await store.accounts.deleteSession(p.sessionId);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
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
        response: { 200: me, ...errorResponses },
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

  app.post(
    '/auth/password',
    {
      config: { rateLimit: { max: loginRateLimit.max, timeWindow: loginRateLimit.timeWindowMs } },
      schema: {
        tags: ['auth'],
        summary: 'Change my password (ends my other sessions)',
        body: passwordChange,
        response: { 204: noBody, ...errorResponses },
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
      return reply.status(204).send(null);
    },
  );
}

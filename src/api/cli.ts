/**
 * `loadscope user ...` and `loadscope token ...`: account administration from the shell, for the
 * first administrator of a new installation and for provisioning devices and scripts.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { ROLES, type Role } from '../domain/types.ts';
import { InputError, NotFoundError } from '../errors.ts';
import { createApiToken, createUser } from './accounts/service.ts';
import { randomSecret } from './secrets.ts';

function parseRole(raw: string): Role {
  if (!(ROLES as readonly string[]).includes(raw))
    throw new InputError(`expected one of ${ROLES.join(', ')}, got '${raw}'`, { field: '--role' });
  return raw as Role;
}

function parseDays(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`expected a whole number of days >= 1, got '${raw}'`, { field: '--expires-days' });
  return n;
}

/** Registers the api feature's commands. */
export function registerApiCommands(program: Command, ctx: CliContext): void {
  const now = Date.now;
  const user = program.command('user').description('users of an organisation');
  user
    .command('add <login>')
    .description(
      'create a user; prints a generated password once unless --password or LOADSCOPE_PASSWORD is given',
    )
    .option('--org <id>', 'organisation (created if missing)', 'default')
    .option('--org-name <name>', 'name of the organisation when it is created')
    .option('--role <role>', `role: ${ROLES.join(', ')}`, 'admin')
    .option('--name <name>', 'display name')
    .option('--password <password>', 'password (visible in the process list; prefer LOADSCOPE_PASSWORD)')
    .action(
      async (
        login: string,
        o: { org: string; orgName?: string; role: string; name?: string; password?: string },
      ) => {
        const role = parseRole(o.role);
        const store = await ctx.store();
        if (!(await store.catalog.getOrganisation(o.org))) {
          await store.catalog.upsertOrganisations([
            { id: o.org, name: o.orgName ?? o.org, createdAt: now() },
          ]);
          ctx.err.write(`created organisation '${o.org}'\n`);
        }
        const given = o.password ?? ctx.env['LOADSCOPE_PASSWORD'];
        const password = given ?? randomSecret(15);
        const u = await createUser(
          { store, now },
          { orgId: o.org, email: login, name: o.name, role, password },
        );
        ctx.out.write(`created ${u.role} '${u.email}' (${u.id}) in organisation '${u.orgId}'\n`);
        if (given === undefined) ctx.out.write(`password (shown once): ${password}\n`);
      },
    );
  user
    .command('list')
    .description('list users')
    .option('--org <id>', 'only this organisation')
    .action(async (o: { org?: string }) => {
      const store = await ctx.store();
      for (const u of await store.accounts.listUsers(o.org ? { orgId: o.org } : {})) {
        ctx.out.write(`${u.id}\t${u.orgId}\t${u.email}\t${u.role}${u.disabled ? '\tdisabled' : ''}\n`);
      }
    });

  const token = program.command('token').description('API tokens for devices and scripts');
  token
    .command('create')
    .description('create an API token; prints it once')
    .requiredOption('--org <id>', 'organisation the token acts for')
    .requiredOption('--name <name>', 'what the token is for, e.g. "gateway 12"')
    .option('--role <role>', `role: ${ROLES.join(', ')}`, 'analyst')
    .option('--expires-days <n>', 'days until the token stops working (default: never)')
    .option('--scopes <list>', "read,write,write:readings,admin (default: the role's; a viewer's only reads)")
    .action(async (o: { org: string; name: string; role: string; expiresDays?: string; scopes?: string }) => {
      const role = parseRole(o.role);
      const days = o.expiresDays === undefined ? undefined : parseDays(o.expiresDays);
      const store = await ctx.store();
      if (!(await store.catalog.getOrganisation(o.org))) throw new NotFoundError('organisation', o.org);
      const t = await createApiToken(
        { store, now },
        {
          orgId: o.org,
          name: o.name,
          role,
          createdBy: null,
          expiresAt: days ? now() + days * 86_400_000 : null,
          ...(o.scopes ? { scopes: o.scopes.split(',').map((s) => s.trim()) } : {}),
        },
      );
      ctx.err.write(
        `created token ${t.row.id} (${role}; ${t.row.scopes?.join(', ')}) for organisation '${o.org}'; it is shown once:\n`,
      );
      ctx.out.write(`${t.token}\n`);
    });
  token
    .command('list')
    .description('list the tokens of an organisation')
    .requiredOption('--org <id>', 'organisation')
    .action(async (o: { org: string }) => {
      const store = await ctx.store();
      for (const t of await store.accounts.listTokens({ orgId: o.org })) {
        const exp = t.expiresAt === null ? 'never' : new Date(t.expiresAt).toISOString();
        ctx.out.write(`${t.id}\t${t.name}\t${t.role}\texpires ${exp}\n`);
      }
    });
  token
    .command('revoke <tokenId>')
    .description('revoke a token')
    .action(async (tokenId: string) => {
      const store = await ctx.store();
      if (!(await store.accounts.getToken(tokenId))) throw new NotFoundError('token', tokenId);
      await store.accounts.deleteToken(tokenId);
      ctx.out.write(`revoked ${tokenId}\n`);
    });
}

import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { passwordSchema, tokenNameSchema, tokenRoleSchema, userNameSchema, userRoleSchema, type TokenRole, type UserRole } from '../../protocol/auth.js';
import { AppError } from '../app-error.js';
import { workspaceOfTarget } from '../workspace.js';
import { AccountAdmin } from './account-admin.js';
import { AccountService, type Actor } from './account-service.js';
import { SERVER_URL_SETTING, type AccountStore } from './account-store.js';
import { PostgresAccountStore } from './postgres-account-store.js';
import { SqliteAccountStore } from './sqlite-account-store.js';
import type { PgConnection } from '../postgres/pg-connection.js';
import { openStore, STORE_URL_ENV, storeOptionsOf } from '../postgres/store-options.js';

export interface AccountCliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
}

const DEFAULT_IO: AccountCliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
const CLI: Actor = { name: 'cli', address: null };
const DEFAULT_URL = 'http://127.0.0.1:7070';

const USERS_HELP = `Usage: lenslet users <command> <folder | table.parquet> … [options]

Manage who may sign in to a server on this workspace (\`--access accounts\`), or on this dataset
in PostgreSQL (\`--store\`). Works while servers run: they see the change within a second, and
end the streams of removed users.

Commands:
  add <folder> <name> --role <viewer|labeler|admin> [--password-stdin]
                           Prints a one-time invite link where they set a password, or reads
                           the password from standard input with --password-stdin
  list <folder>            Every user, their role, whether they have a password, last seen
  remove <folder> <name>   Removes the user and ends their sessions
  set-role <folder> <name> <viewer|labeler|admin>   (or --role <role>)
  invite <folder> <name>   A fresh invite link (to reset a forgotten password)

Options:
      --workspace <dir>    The workspace used with \`lenslet --workspace\`
      --store <url>        The servers' PostgreSQL (postgres://user@host:5432/db; default: env
                           ${STORE_URL_ENV}, else the workspace's SQLite)
      --dataset-id <id>    With --store: the dataset (default: as the server's, the folder's name
                           or the table file's name without .parquet)
      --url <url>          The server's address for invite links (default: where the last
                           server on this workspace listened, else ${DEFAULT_URL})
`;

const TOKENS_HELP = `Usage: lenslet tokens <command> <folder | table.parquet> … [options]

API tokens for scripts and workers (\`Authorization: Bearer <token>\`). Works while servers run,
also on a dataset in PostgreSQL (\`--store\`).

Commands:
  create <folder> --name <name> --role <viewer|labeler|admin|worker>
                           Prints the token once; only its hash is kept
  list <folder>            Every token: id, name, role, created, last used
  revoke <folder> <id | name>

Options:
      --workspace <dir>    The workspace used with \`lenslet --workspace\`
      --store <url>        The servers' PostgreSQL (postgres://user@host:5432/db; default: env
                           ${STORE_URL_ENV}, else the workspace's SQLite)
      --dataset-id <id>    With --store: the dataset (default: as the server's, the folder's name
                           or the table file's name without .parquet)
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      url: { type: 'string' },
      workspace: { type: 'string' },
      store: { type: 'string' },
      'dataset-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Args = ReturnType<typeof parse>;

/** `lenslet users …`: resolves with the exit code. */
export function runUsersCommand(argv: string[], io: AccountCliIo = DEFAULT_IO): Promise<number> {
  return run(argv, io, USERS_HELP, async (command, args, admin, accounts) => {
    const [, name, roleArg] = args.positionals;
    switch (command) {
      case 'add': {
        const user = checked(userNameSchema, need(name, '<name>'), 'name');
        const role = checked(userRoleSchema, need(args.values.role, '--role'), '--role') as UserRole;
        const password = args.values['password-stdin'] ? checked(passwordSchema, await readPassword(io.stdin), 'the password') : undefined;
        const added = await admin.addUser({ name: user, role, password }, CLI);
        if (added.invite) io.stdout.write(`Added ${user} (${role}). Invite link (one-time, valid 7 days):\n${await inviteUrl(accounts, args, added.invite)}\n`);
        else io.stdout.write(`Added ${user} (${role}) with the password given.\n`);
        return;
      }
      case 'list': {
        const users = await admin.listUsers();
        if (users.length === 0) io.stdout.write('No users yet.\n');
        for (const u of users) io.stdout.write(`${u.name}\t${u.role}\t${u.has_password ? 'password set' : 'invite pending'}\tlast seen ${u.last_seen_at ?? 'never'}\n`);
        return;
      }
      case 'remove':
        await admin.removeUser(need(name, '<name>'), CLI);
        io.stdout.write(`Removed ${name}.\n`);
        return;
      case 'set-role': {
        const role = checked(userRoleSchema, need(roleArg ?? args.values.role, '<role>'), 'role') as UserRole;
        await admin.updateUser(need(name, '<name>'), { role }, CLI);
        io.stdout.write(`${name} is now ${role}.\n`);
        return;
      }
      case 'invite': {
        const { invite } = await admin.updateUser(need(name, '<name>'), { invite: true }, CLI);
        io.stdout.write(`Invite link for ${name} (one-time, valid 7 days):\n${await inviteUrl(accounts, args, invite!)}\n`);
        return;
      }
      default:
        throw new Error(`unknown command ${JSON.stringify(command)}: add, list, remove, set-role or invite`);
    }
  });
}

/** `lenslet tokens …`: resolves with the exit code. */
export function runTokensCommand(argv: string[], io: AccountCliIo = DEFAULT_IO): Promise<number> {
  return run(argv, io, TOKENS_HELP, async (command, args, admin) => {
    switch (command) {
      case 'create': {
        const name = checked(tokenNameSchema, need(args.values.name, '--name'), '--name');
        const role = checked(tokenRoleSchema, need(args.values.role, '--role'), '--role') as TokenRole;
        const { token, secret } = await admin.createToken(name, role, CLI);
        io.stderr.write(`Token ${token.name} (${token.role}, id ${token.id}); it is shown only now:\n`);
        io.stdout.write(`${secret}\n`);
        return;
      }
      case 'list': {
        const tokens = await admin.listTokens();
        if (tokens.length === 0) io.stdout.write('No tokens.\n');
        for (const t of tokens) io.stdout.write(`${t.id}\t${t.name}\t${t.role}\tcreated ${t.created_at}\tlast used ${t.last_used_at ?? 'never'}\n`);
        return;
      }
      case 'revoke': {
        const which = need(args.positionals[1] ?? args.values.name, '<id | name>');
        await admin.revokeToken(which, CLI);
        io.stdout.write(`Revoked ${which}.\n`);
        return;
      }
      default:
        throw new Error(`unknown command ${JSON.stringify(command)}: create, list or revoke`);
    }
  });
}

async function run(
  argv: string[],
  io: AccountCliIo,
  help: string,
  body: (command: string, args: Args, admin: AccountAdmin, accounts: AccountService) => Promise<void>,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') return done(io, help);
  let args: Args;
  try {
    args = parse(rest);
  } catch (error) {
    return fail(io, `${(error as Error).message}\n\n${help}`);
  }
  if (args.values.help) return done(io, help);
  const target = args.positionals[0];
  if (target === undefined) return fail(io, `give the folder or table.parquet that is served\n\n${help}`);
  let accounts: AccountService | undefined;
  let db: PgConnection | undefined;
  try {
    const store = storeOptionsOf(args.values.store ?? process.env[STORE_URL_ENV], args.values['dataset-id'], target);
    let accountStore: AccountStore;
    if (store) {
      db = await openStore(store);
      accountStore = await PostgresAccountStore.open(db);
      // A mistyped id opens an empty dataset rather than failing: say which one this run acts on.
      io.stderr.write(`Store: PostgreSQL ${db.location}, dataset "${store.datasetId}"\n`);
    } else {
      accountStore = new SqliteAccountStore(workspaceOfTarget(target, { dir: args.values.workspace }).accountsDbPath);
    }
    accounts = new AccountService({ store: accountStore });
    await body(command, args, new AccountAdmin(accounts), accounts);
    return 0;
  } catch (error) {
    return fail(io, (error as Error).message);
  } finally {
    await accounts?.close();
    // The Postgres store leaves the connection to its owner, which here is this run.
    await db?.close();
  }
}

async function inviteUrl(accounts: AccountService, args: Args, secret: string): Promise<string> {
  const base = args.values.url ?? (await accounts.store.getSetting(SERVER_URL_SETTING)) ?? DEFAULT_URL;
  return `${base.replace(/\/+$/, '')}/invite?token=${encodeURIComponent(secret)}`;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new Error(`${what} is required`);
  return value;
}

function checked(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, value: string, what: string): string {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError('invalid_parameter', `${what}: ${result.error?.issues[0]?.message ?? 'invalid'}`);
  return value;
}

async function readPassword(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  // `echo pw |` and here-strings end with a newline that is not part of the password.
  return text.replace(/\r?\n$/, '');
}

function done(io: AccountCliIo, text: string): number {
  io.stdout.write(text);
  return 0;
}

function fail(io: AccountCliIo, message: string): number {
  io.stderr.write(`lenslet: ${message}\n`);
  return 1;
}

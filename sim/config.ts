// The simulator configuration: one zod schema; the type is inferred from it.
// Cross-references (a session's user, a user's groups, a grant's users) are checked here too,
// so a mistake in the file is reported at start, not as a puzzling denial later.
import { z } from 'zod';
import { API_METHODS } from './shared/protocol';

const Id = z.union([z.number().int(), z.string().min(1)]);
const LicenseId = z.number().int().positive();

const UserSchema = z.strictObject({
  id: Id.describe('User id in the server database (number or string)'),
  login: z.string().min(1).describe('Login; sessions and grants refer to users by it'),
  name: z.string().default('').describe('Full name'),
  email: z.string().default('').describe('E-mail address'),
  department: z.string().default('').describe('Department'),
  position: z.string().default('').describe('Position (job title)'),
  groups: z.array(Id).default([]).describe('Ids of the groups the user belongs to'),
  disabled: z.boolean().default(false).describe('The account is blocked: CheckAccess denies'),
  expired: z.boolean().default(false).describe('The account has expired: CheckAccess denies'),
});

const GroupSchema = z.strictObject({
  id: Id.describe('Group id'),
  name: z.string().min(1).describe('Group name shown to the plugin'),
});

const SessionSchema = z.strictObject({
  id: z.number().int().positive().describe('Session id, the value of the Kodeks cookie'),
  user: z.string().min(1).describe('Login of the user the session belongs to'),
});

const IsoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'ожидалась дата ISO 8601, например 2030-12-31',
  });

const LicenseSchema = z.strictObject({
  id: LicenseId.describe('License number; feature ids are license numbers'),
  ver: z.number().int().min(0).default(0).describe('License version'),
  name: z.string().min(1).describe('Full name (GetServiceName.name)'),
  shortName: z.string().optional().describe('Short name (GetServiceName.shortNname); defaults to name'),
  seats: z.number().int().min(0).describe('Seats (work places); also the limit of licensed parameters'),
  expires: IsoDate.optional().describe('Last day (or moment) the license is in force; absent means forever'),
});

const GrantSchema = z.strictObject({
  feature: LicenseId.describe('Feature id (a license number) the grant gives rights to'),
  users: z.array(z.string().min(1)).default([]).describe('Logins granted the feature'),
  groups: z.array(Id).default([]).describe('Group ids whose members are granted the feature'),
});

const ServerSchema = z.strictObject({
  hostname: z.string().min(1).default('localhost').describe('GetServerInfo.Hostname (and Host without the port)'),
  protocol: z.enum(['http', 'https']).default('http').describe('GetServerInfo.Protocol'),
  preferredVDir: z
    .string()
    .regex(/^(\/.*)?$/, { message: 'пустая строка или путь, начинающийся с /' })
    .default('')
    .describe('GetServerInfo.PreferredVDir, like /docs, or ""'),
});

export const SimConfigSchema = z
  .strictObject({
    comment: z.string().optional().describe('Free text for people; ignored'),
    port: z.number().int().min(0).max(65535).default(8087).describe('HTTP port; 0 picks a free one'),
    host: z.string().min(1).default('127.0.0.1').describe('Address the HTTP server listens on'),
    pluginsDir: z.string().min(1).describe('Folder the plugins are discovered in'),
    storageDir: z.string().min(1).describe('StoragePath of a plugin is storageDir/<route>'),
    logsDir: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('LogsPath of a plugin is logsDir/<route>; null: plugins get no LogsPath'),
    outboxDir: z.string().min(1).describe('Folder SendMail writes mails into, one JSON file each'),
    runDir: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('Folder for sockets and the bootstrap; null: a fresh temporary folder (keeps socket paths short)'),
    shutdownTimeoutMs: z.number().int().positive().default(10000).describe('Time limit for a plugin\'s onShutdown'),
    initTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(15000)
      .describe('Initialisation ends when the socket accepts a connection or after this long'),
    seatTtlSeconds: z.number().positive().default(900).describe('A license seat unused this long is freed'),
    restartDelayMs: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Delay before restarting a crashed plugin; doubles on repeated crashes, up to 30 s'),
    updateScanMs: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('The plugins folder is rescanned for updates this often (besides fs.watch, which can miss events)'),
    updateSettleMs: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('An update file found at run time is taken once unchanged this long (a copy may still be running)'),
    server: ServerSchema.prefault({}).describe('What GetServerInfo reports (Port is the real port)'),
    users: z.array(UserSchema).default([]).describe('Users of the simulated server'),
    groups: z.array(GroupSchema).default([]).describe('Groups of users'),
    sessions: z.array(SessionSchema).default([]).describe('Sessions that exist from the start (the login page makes more)'),
    licenses: z.array(LicenseSchema).default([]).describe('The license file: licenses with seats'),
    features: z
      .record(z.string().min(1), LicenseId)
      .default({})
      .describe('Named features PickPermissions accepts: name → feature id'),
    grants: z.array(GrantSchema).default([]).describe('Rights to features, per user login or group'),
    products: z
      .array(z.strictObject({ id: z.number().int().describe('Product id'), plugged: z.boolean().describe('Is it plugged') }))
      .default([])
      .describe('KodeksProductStatus answers; unknown products are not plugged'),
    documents: z
      .array(
        z.strictObject({
          num: z.number().int().describe('Document number'),
          status: z.string().min(1).describe('Status, e.g. active, inactive, project'),
          tooltip: z.string().describe('Title with extra information'),
        }),
      )
      .default([])
      .describe('KodeksDocInfo answers; unknown documents reject'),
    methods: z
      .array(z.enum(API_METHODS))
      .optional()
      .describe('KServerApi methods offered (default all): emulates an older KServer'),
    legacyJsonResults: z
      .boolean()
      .default(false)
      .describe('Resolve methods with JSON strings, as KServer before 6.4.3 did'),
  })
  .superRefine(checkReferences);

export type SimConfigInput = z.input<typeof SimConfigSchema>;
export type SimConfig = z.output<typeof SimConfigSchema>;
export type UserConfig = SimConfig['users'][number];
export type LicenseConfig = SimConfig['licenses'][number];

type Parsed = z.output<z.ZodObject<(typeof SimConfigSchema)['shape']>>;

function checkReferences(c: Parsed, ctx: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const groupIds = new Set(c.groups.map((g) => String(g.id)));
  const logins = new Set<string>();
  const userIds = new Set<string>();
  c.users.forEach((u, i) => {
    if (logins.has(u.login)) problem(['users', i, 'login'], `логин «${u.login}» повторяется`);
    if (userIds.has(String(u.id))) problem(['users', i, 'id'], `id ${u.id} повторяется`);
    logins.add(u.login);
    userIds.add(String(u.id));
    u.groups.forEach((g, j) => {
      if (!groupIds.has(String(g))) problem(['users', i, 'groups', j], `нет группы с id ${g}`);
    });
  });
  const sessionIds = new Set<number>();
  c.sessions.forEach((s, i) => {
    if (sessionIds.has(s.id)) problem(['sessions', i, 'id'], `сессия ${s.id} повторяется`);
    sessionIds.add(s.id);
    if (!logins.has(s.user)) problem(['sessions', i, 'user'], `нет пользователя с логином «${s.user}»`);
  });
  const licenseKeys = new Set<string>();
  c.licenses.forEach((l, i) => {
    const key = `${l.id}/${l.ver}`;
    if (licenseKeys.has(key)) problem(['licenses', i], `лицензия ${l.id} версии ${l.ver} повторяется`);
    licenseKeys.add(key);
  });
  c.grants.forEach((g, i) => {
    g.users.forEach((login, j) => {
      if (!logins.has(login)) problem(['grants', i, 'users', j], `нет пользователя с логином «${login}»`);
    });
    g.groups.forEach((id, j) => {
      if (!groupIds.has(String(id))) problem(['grants', i, 'groups', j], `нет группы с id ${id}`);
    });
  });
}

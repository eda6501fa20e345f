import { z } from 'zod';

/** Shapes of what the monitor's methods resolve to; liberal: unknown keys are kept. */

const GroupSchema = z.object({ id: z.union([z.number(), z.string()]), name: z.string().optional() }).loose();

export const UserRecordSchema = z
  .object({
    id: z.union([z.number(), z.string()]),
    login: z.string().optional(),
    name: z.string().optional(),
    email: z.string().optional(),
    department: z.string().optional(),
    position: z.string().optional(),
    groups: z.array(GroupSchema).optional(),
    disabled: z.boolean().optional(),
    expired: z.boolean().optional(),
  })
  .loose();

export const UserInfoSchema = z.union([
  UserRecordSchema.extend({ authenticated: z.literal(true) }),
  z.object({ authenticated: z.literal(false), ip: z.unknown().optional() }).loose(),
]);

export const AccessSchema = z.object({ granted: z.boolean(), reason: z.string().optional() }).loose();

export const PermissionSchema = z
  .object({
    feature: z.unknown(),
    granted: z.boolean(),
    reason: z.string().optional(),
    ver: z.union([z.number(), z.string()]).optional(),
  })
  .loose();

export const ServerInfoSchema = z
  .object({
    Port: z.union([z.number(), z.string()]).optional(),
    Hostname: z.string().optional(),
    Protocol: z.string().optional(),
    Host: z.string().optional(),
    PreferredVDir: z.string().optional(),
  })
  .loose();

export type UserInfo = z.infer<typeof UserInfoSchema>;
export type UserRecord = z.infer<typeof UserRecordSchema>;
export type Access = z.infer<typeof AccessSchema>;
export type Permission = z.infer<typeof PermissionSchema>;
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

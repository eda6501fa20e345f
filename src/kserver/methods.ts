/** Every method of `global.KServerApi` the monitor documents (monitor-plugins.md). */
export const KSERVER_METHODS = [
  'UserInfo',
  'UserList',
  'CheckAccess',
  'PickPermissions',
  'SetLicensedParameter',
  'IncLicensedParameter',
  'CheckLicensedParameter',
  'ValidateLicense',
  'KodeksDocInfo',
  'KodeksProductStatus',
  'SendMail',
  'GetServerInfo',
  'GetServiceName',
] as const;

export type KServerMethod = (typeof KSERVER_METHODS)[number];

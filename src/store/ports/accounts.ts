/** Users, sessions, API tokens and sharing. Owned by the web feature. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AccountRepo {}

/** Alerts and pattern rules. Owned by the real-time feature. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AlertRepo {}

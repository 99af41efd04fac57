/** Jobs, shards, progress and logs. Owned by the jobs feature. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobRepo {}

/** NILM models and per-facility results. Owned by the NILM feature. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NilmRepo {}

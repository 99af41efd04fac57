/** Batch-layer results: rollups, serving views and thresholds. Owned by the batch feature. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RollupRepo {}

/** Analytic product scores. Owned by the scoring feature. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ScoreRepo {}

/** Latest values and windowed rollups from the stream layer. Owned by the real-time feature. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LiveRepo {}

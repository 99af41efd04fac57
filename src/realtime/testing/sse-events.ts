/**
 * Reads Server-Sent Events from a fetch response body, for tests and benchmarks that listen to the
 * live push as a browser would. Resolves when the stream ends (or the request is aborted).
 */
export async function readSseEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (type: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const m = /^event: (\S+)\ndata: (.*)$/m.exec(buf.slice(0, i));
      buf = buf.slice(i + 2);
      if (m) onEvent(m[1]!, m[2]!);
    }
  }
}

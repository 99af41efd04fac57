/** Creating the JetStream stream and its per-partition durable consumers when they are missing. */
import type { JetStreamManager } from '@nats-io/jetstream';
import { ExternalError } from '../../../errors.ts';

/** Makes sure the stream `name` exists with `subjects`; another process may create it at the same time. */
export async function ensureStream(jsm: JetStreamManager, name: string, subjects: string): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    try {
      await jsm.streams.add({
        name,
        subjects: [subjects],
        storage: 'file',
        retention: 'limits',
        max_age: 7 * 86_400 * 1e9,
      });
    } catch (err) {
      await jsm.streams.info(name).catch(() => {
        throw new ExternalError('nats', `cannot create stream ${name}`, { cause: err });
      });
    }
  }
}

/** Makes sure the durable pull consumer `durable` exists on `stream`, filtered to `filter`. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  filter: string,
  ackWaitMs: number,
): Promise<void> {
  try {
    await jsm.consumers.info(stream, durable);
  } catch {
    await jsm.consumers
      .add(stream, {
        durable_name: durable,
        filter_subject: filter,
        ack_policy: 'explicit',
        ack_wait: ackWaitMs * 1e6,
        max_ack_pending: 1000,
        deliver_policy: 'all',
      })
      .catch(async (err: unknown) => {
        await jsm.consumers.info(stream, durable).catch(() => {
          throw new ExternalError('nats', `cannot create consumer ${durable}`, { cause: err });
        });
      });
  }
}

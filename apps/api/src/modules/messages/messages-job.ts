// The messages job: drain the orders' outboxes into messages, then send what is due. One job, run every few
// seconds on every instance (each step claims its work in the database), so a message leaves within seconds of
// the change it reports.
import type { Services } from '../../context';
import { runOutboxDrain } from './drain-outbox';
import { runMessageSender } from './send-messages';

export async function runMessages(s: Services, now = new Date()): Promise<number> {
  const drained = await runOutboxDrain(s, now);
  return drained + (await runMessageSender(s, now));
}

/** Which live appliance breakdown a card shows, when pushed events and REST answers cross. */
import type { LiveBreakdown } from '../api/types.ts';

/**
 * The newer of two breakdowns by the period they are for: a REST answer that was sent before a
 * pushed event but arrives after it must not take the card back a period.
 */
export function newerBreakdown(current: LiveBreakdown | undefined, next: LiveBreakdown): LiveBreakdown {
  return current && current.ts > next.ts ? current : next;
}

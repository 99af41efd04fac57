/**
 * Runs the pattern rules of every organisation over the stream. Rules can be replaced at run time
 * (`setRules`): state of rules whose definition did not change is kept, new or edited rules start
 * fresh. Each channel gets the rules whose scope covers it, compiled on its first reading.
 */
import type { ReadingBatch } from '../../domain/types.ts';
import type { SignalSink } from '../signals.ts';
import { type ConditionNode, compileCondition } from './nodes.ts';
import type { PatternRule } from '../../domain/rule-spec.ts';

/** What the engine needs to know about a channel to match scopes. */
export interface ChannelScopeInfo {
  orgId: string;
  facilityId: string;
  meterId: string;
  isMains: boolean;
}

/** Options of {@link createRuleEngine}. */
export interface RuleEngineDeps {
  /** Facts about a channel, or undefined when unknown (then no rule applies). */
  channelInfo(channelId: string): ChannelScopeInfo | undefined;
  /** A named threshold of a channel (e.g. `p97`), or undefined. */
  threshold(channelId: string, name: string): number | undefined;
  emit: SignalSink;
}

/** The running rule set. */
export interface RuleEngine {
  /** Replaces the rule set. */
  setRules(rules: readonly PatternRule[]): void;
  /** Feeds a batch, in event-time order per channel (older readings than the last one are skipped). */
  process(batch: ReadingBatch): void;
  /** Advances time for conditions that fire without readings (silence); `t` is UTC ms. */
  tick(t: number): void;
}

interface Instance {
  rule: PatternRule;
  node: ConditionNode;
}

interface ChannelRules {
  lastTs: number;
  lastValue: number;
  instances: Instance[];
}

/** Creates a rule engine. */
export function createRuleEngine(deps: RuleEngineDeps): RuleEngine {
  let rules: readonly PatternRule[] = [];
  const channels = new Map<string, ChannelRules>();
  const version = (r: PatternRule): string => `${r.id}@${r.updatedAt}`;

  const build = (channelId: string, rule: PatternRule): Instance => ({
    rule,
    node: compileCondition(rule.condition, (name) => deps.threshold(channelId, name)),
  });
  const matching = (channelId: string): PatternRule[] => {
    const info = deps.channelInfo(channelId);
    if (!info) return [];
    return rules.filter((r) => r.enabled && r.orgId === info.orgId && inScope(r, channelId, info));
  };
  const channelOf = (id: string): ChannelRules => {
    let c = channels.get(id);
    if (!c) {
      c = { lastTs: -Infinity, lastValue: NaN, instances: matching(id).map((r) => build(id, r)) };
      channels.set(id, c);
    }
    return c;
  };
  const fire = (inst: Instance, channelId: string, ts: number, value: number): void => {
    const threshold = inst.node.limit();
    const what = inst.rule.description ?? `rule ${inst.rule.name} matched`;
    deps.emit({
      type: 'raise',
      rule: inst.rule.name,
      key: `${inst.rule.name}|${channelId}|${ts}`,
      channelId,
      ts,
      value,
      threshold,
      severity: inst.rule.severity,
      // The rule's own words, then the numbers with the channel's unit. Only silence has no
      // threshold, and then the value is the last one seen before it.
      message: (q) =>
        threshold === null
          ? `${what}: last value ${q(value)}`
          : `${what}: value ${q(value)}, threshold ${q(threshold)}`,
    });
  };
  return {
    setRules(next) {
      rules = next;
      const wanted = new Map(next.map((r) => [r.id, r]));
      for (const [id, c] of channels) {
        const kept = new Map(
          c.instances
            .filter((i) => wanted.get(i.rule.id) && version(wanted.get(i.rule.id)!) === version(i.rule))
            .map((i) => [i.rule.id, i]),
        );
        c.instances = matching(id).map((r) => kept.get(r.id) ?? build(id, r));
      }
    },
    process(batch) {
      if (rules.length === 0) return;
      const perIndex = batch.channelIds.map(channelOf);
      for (let i = 0; i < batch.length; i++) {
        const ci = batch.channel[i]!;
        const c = perIndex[ci]!;
        if (c.instances.length === 0) continue;
        const ts = batch.ts[i]!;
        if (ts <= c.lastTs) continue;
        const v = batch.value[i]!;
        c.lastTs = ts;
        c.lastValue = v;
        for (const inst of c.instances)
          if (inst.node.onReading(ts, v)) fire(inst, batch.channelIds[ci]!, ts, v);
      }
    },
    tick(t) {
      for (const [id, c] of channels)
        for (const inst of c.instances) if (inst.node.onTick(t)) fire(inst, id, t, c.lastValue);
    },
  };
}

function inScope(rule: PatternRule, channelId: string, info: ChannelScopeInfo): boolean {
  const s = rule.scope;
  if (s.mainsOnly && !info.isMains) return false;
  if (s.facilityIds?.length && !s.facilityIds.includes(info.facilityId)) return false;
  if (s.meterIds?.length && !s.meterIds.includes(info.meterId)) return false;
  if (s.channelIds?.length && !s.channelIds.includes(channelId)) return false;
  return true;
}

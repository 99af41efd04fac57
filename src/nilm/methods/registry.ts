/** Every disaggregation method by name. */
import type { NilmMethod } from '../types.ts';
import { coMethod } from './co.ts';
import { eventsigMethod } from './eventsig.ts';
import { fhmmMethod } from './fhmm.ts';
import { hart85Method } from './hart85.ts';
import { meanMethod } from './mean.ts';

/** Method names accepted by experiments and the CLI. */
export const METHOD_NAMES = ['mean', 'co', 'fhmm', 'hart85', 'eventsig'] as const;
/** A method's name. */
export type MethodName = (typeof METHOD_NAMES)[number];

/** The methods by name. */
export const METHODS: Readonly<Record<MethodName, NilmMethod>> = {
  mean: meanMethod,
  co: coMethod,
  fhmm: fhmmMethod,
  hart85: hart85Method,
  eventsig: eventsigMethod,
};

/** The method called `name`, or undefined. */
export function getMethod(name: string): NilmMethod | undefined {
  return (METHODS as Record<string, NilmMethod>)[name];
}

/**
 * The store contract: catalog, readings, read-after-write and import-record behaviour that every adapter must share,
 * run unchanged against each factory in STORE_FACTORIES (real DuckDB file, real PostgreSQL schema).
 */
import { describe } from 'vitest';
import { catalogContract } from './contract/catalog.contract.ts';
import { durabilityContract } from './contract/durability.contract.ts';
import { STORE_FACTORIES } from './contract/factories.ts';
import { importsContract } from './contract/imports.contract.ts';
import { readAfterWriteContract } from './contract/read-after-write.contract.ts';
import { readingsContract } from './contract/readings.contract.ts';

for (const factory of STORE_FACTORIES) {
  describe(`store contract: ${factory.kind}`, () => {
    describe('catalog', () => catalogContract(factory));
    describe('readings', () => readingsContract(factory));
    describe('durability', () => durabilityContract(factory));
    describe('read after write', () => readAfterWriteContract(factory));
    describe('imports', () => importsContract(factory));
  });
}

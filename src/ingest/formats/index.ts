/** Every file format by name. */
import type { Format } from '../format.ts';
import type { ImportFormat } from '../types.ts';
import { csvLong } from './csv-long.ts';
import { csvWide } from './csv-wide.ts';
import { dsmr } from './dsmr.ts';
import { sml } from './sml.ts';
import { ampds, redd, reddRelative, refit } from './datasets.ts';
import { greenbutton } from './greenbutton.ts';
import { parquet } from './parquet.ts';
import { reddLowFreq } from './redd-low-freq.ts';
import { registrations } from './registrations.ts';
import { utilityapiCsv } from './utilityapi-csv.ts';
import { utilityapiJson } from './utilityapi-json.ts';

/** The implementation of each {@link ImportFormat}. */
export const FORMATS: Record<ImportFormat, Format> = {
  'csv-long': csvLong,
  'csv-wide': csvWide,
  refit,
  ampds,
  redd,
  'redd-relative': reddRelative,
  'redd-low-freq': reddLowFreq,
  greenbutton,
  'utilityapi-csv': utilityapiCsv,
  'utilityapi-json': utilityapiJson,
  registrations,
  parquet,
  dsmr,
  sml,
};

/**
 * Appliance names, in one place. Sources spell the same appliance differently: REFIT's header says
 * `WashingMachine`, the store keeps the readable label `washing machine`, experiment files and NILM
 * models say `washing_machine`. Every importer, loader and experiment goes through these functions,
 * so that the three meet on one key and an appliance is never dropped because of its spelling.
 */

/**
 * Names of the same appliance type in different data sets, by key. Only true synonyms: the
 * simulator's `washer` and REDD's `washer_dryer` stay apart, since a washer-dryer also dries.
 */
const ALIASES: Readonly<Record<string, string>> = {
  clothes_washer: 'washing_machine',
  refrigerator: 'fridge',
};

/**
 * The canonical key of an appliance name: lower case, words joined by `_`. CamelCase, spaces,
 * hyphens, dots and repeated separators all give the same key:
 * `WashingMachine`, `washing machine`, `Washing-Machine` and `washing_machine` -> `washing_machine`.
 * Returns `''` for a name with no letters or digits.
 */
export function applianceKey(name: string): string {
  const key = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return ALIASES[key] ?? key;
}

/** The readable label of an appliance name, as the store keeps it: `washing_machine` -> `washing machine`. */
export function applianceLabel(name: string): string {
  return applianceKey(name).replace(/_/g, ' ');
}

/** True when two names mean the same appliance (`washing machine` and `washing_machine`). */
export function sameAppliance(a: string, b: string): boolean {
  return applianceKey(a) === applianceKey(b);
}

/** AMPds circuit codes and what they feed (Makonin et al.); the importers' labels and the NILM keys. */
export const AMPDS_LABELS: Readonly<Record<string, string>> = {
  M_E: 'whole house meter',
  WHE: 'whole house (main panel)',
  RSE: 'rental suite',
  B1E: 'north bedroom',
  B2E: 'master and south bedroom',
  BME: 'basement plugs and lights',
  CDE: 'clothes dryer',
  CWE: 'clothes washer',
  DNE: 'dining room plugs',
  DWE: 'dishwasher',
  EBE: 'electronics workbench',
  EQE: 'security and network equipment',
  FGE: 'fridge',
  FRE: 'furnace fan and thermostat',
  GRE: 'garage',
  HPE: 'heat pump',
  HTE: 'instant hot water unit',
  OFE: 'home office',
  OUE: 'outside plug',
  TVE: 'tv and entertainment',
  UTE: 'utility plug',
  WOE: 'wall oven',
};

/** REDD house 3 circuit codes (BaseNILM preparation); numbered circuits share a code (`SO1`..`SO5`). */
export const REDD_LABELS: Readonly<Record<string, string>> = {
  SO: 'sockets',
  LI: 'lighting',
  ELE: 'electronics',
  FRE: 'fridge',
  WDU: 'washer dryer',
  DWE: 'dishwasher',
  FUR: 'furnace',
  WAD: 'washer dryer',
  MIC: 'microwave',
  SMO: 'smoke alarms',
  BAT: 'bathroom',
};

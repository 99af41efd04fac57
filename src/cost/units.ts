/**
 * From the unit rollups are stored in (Wh for electricity, the channel's volume or therm unit for gas
 * and water) to the unit a tariff prices in. Volumes convert among themselves; a volume and therms
 * do not (the heat content of gas varies), and that mismatch is reported, not guessed.
 */

const TO_M3: Record<string, number> = {
  m3: 1,
  ft3: 0.028316846592,
  ccf: 2.8316846592,
  L: 0.001,
  gal: 0.003785411784,
};

/** The factor from a stored energy unit to a price unit, or undefined when they do not convert. */
export function unitFactor(stored: string, price: string): number | undefined {
  if (stored === price) return 1;
  if (stored === 'Wh' && price === 'kWh') return 1 / 1000;
  const a = TO_M3[stored];
  const b = TO_M3[price];
  return a !== undefined && b !== undefined ? a / b : undefined;
}

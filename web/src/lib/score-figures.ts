/**
 * Plain labels for the figures a score's evidence carries. Products name their figures for code
 * (`baseZ`, `businessShare`); the evidence table shows what each means to an energy analyst. A
 * figure without a label here is spelt out from its name ("peerP90" becomes "peer p90").
 */
const LABELS: Record<string, string> = {
  baseW: 'Base load (quietest hours), W',
  peakW: 'Peak power, W',
  flatness: 'Base load as a share of the peak',
  peerBaseMedianW: 'Typical base load of peers, W',
  baseZ: 'Base load against peers (0 = typical, 3 = far above)',
  dailyKwh: 'Energy per day, kWh',
  peerDailyKwhMedian: 'Typical energy per day of peers, kWh',
  peerMedian: 'Typical value among peers',
  peerP10: 'Low end of peers (1 in 10 use less), kWh/day',
  peerP90: 'High end of peers (1 in 10 use more), kWh/day',
  energyZ: 'Energy per day against peers (0 = typical, 3 = far above)',
  businessShare: 'Share of energy on weekdays 08-18',
  weekendRatio: 'Weekend power as a share of weekday power',
  nightEveningRatio: 'Night power as a share of evening power',
  constantBranch: 'Constant-load sign (0-100)',
  commercialBranch: 'Business-use sign (0-100)',
  peers: 'Compared with',
  alertsPerMonth: 'Overshoot alerts per 30 days',
  z: 'Alerts against peers (0 = typical, 3 = far above)',
  appliances: 'Appliances recognised',
  explainedKwhPerDay: 'Explained by appliances, kWh/day',
  totalKwhPerDay: 'Energy per day, kWh',
  residualKwhPerDay: 'Not explained by any appliance, kWh/day',
};

/** The label of an evidence figure. */
export function figureLabel(key: string): string {
  return LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

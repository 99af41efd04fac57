/** A trained model: plain JSON, so it can be stored and shipped to the live layer. */
export interface NilmModel {
  method: string;
  /** Model format version of the method. */
  version: number;
  periodMs: number;
  appliances: string[];
  /** Method-specific parameters (JSON-serialisable). */
  params: unknown;
}

/** A trained NILM model as stored: for one facility, or shared (facilityId null). */
export interface StoredNilmModel {
  id: string;
  facilityId: string | null;
  method: string;
  /** What it was trained on, e.g. `refit:2 2014-05-01..2014-09-01`. */
  trainedOn: string;
  trainedAt: number;
  model: NilmModel;
}

/** Estimated power of one appliance of a facility on a regular grid. */
export interface ApplianceSeries {
  facilityId: string;
  appliance: string;
  /** UTC ms of each sample. */
  ts: Float64Array;
  /** W per sample; NaN where the mains were missing. */
  power: Float64Array;
}

/** Energy of one appliance on one local calendar day of the facility. */
export interface ApplianceDailyEnergy {
  facilityId: string;
  appliance: string;
  /** Local date `YYYY-MM-DD` in the facility's time zone. */
  day: string;
  energyWh: number;
  /** Fraction of the day with mains data, 0..1. */
  coverage: number;
  modelId: string;
}

/** One appliance detected in a facility. */
export interface ApplianceInventoryItem {
  facilityId: string;
  appliance: string;
  /** 0..1: how sure the detection is (from the number and consistency of detected activations). */
  confidence: number;
  /** Typical on-power (W). */
  onPowerW: number;
  activationsPerDay: number;
  modelId: string;
  updatedAt: number;
}

/** NILM models and per-facility results. Owned by the NILM feature; read by scoring and the web app. */
export interface NilmRepo {
  /** Stores or replaces a model (by id). */
  saveModel(model: StoredNilmModel): Promise<void>;
  /** One model, or undefined. */
  getModel(id: string): Promise<StoredNilmModel | undefined>;
  /** Models, optionally of one facility, newest first. */
  listModels(filter?: { facilityId?: string }): Promise<StoredNilmModel[]>;
  /** Replaces the facility's stored series of these appliances over the series' time span. */
  writeSeries(series: ApplianceSeries[]): Promise<void>;
  /** One appliance's stored series in [from, to), ordered by time. */
  readSeries(facilityId: string, appliance: string, from: number, to: number): Promise<ApplianceSeries>;
  /** Creates or replaces daily energies (by facility, appliance, day). */
  upsertDailyEnergy(rows: ApplianceDailyEnergy[]): Promise<void>;
  /** Daily energies of a facility, optionally between two local dates (inclusive), by day then appliance. */
  listDailyEnergy(
    facilityId: string,
    range?: { from?: string; to?: string },
  ): Promise<ApplianceDailyEnergy[]>;
  /** Replaces the facility's appliance inventory. */
  replaceInventory(facilityId: string, items: ApplianceInventoryItem[]): Promise<void>;
  /** The facility's detected appliances, most confident first. */
  listInventory(facilityId: string): Promise<ApplianceInventoryItem[]>;
}

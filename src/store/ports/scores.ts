/**
 * Evidence a product gives for its score: figures and series to chart. A value the product could not
 * compute (NaN, Infinity) is kept as null - JSON has no NaN - and charts draw it as a gap.
 */
export interface Evidence {
  figures: Record<string, number | string | null>;
  series: { name: string; unit: string; x: number[]; y: (number | null)[]; kind: 'line' | 'bar' }[];
}

/** A stored score of one facility by one analytic product. */
export interface Score {
  facilityId: string;
  product: string;
  version: string;
  jobId: string | null;
  /**
   * 0..100; null when the facility had not enough data to be scored (label `not enough data`, the
   * reason in the explanation). Rankings leave such facilities out.
   */
  score: number | null;
  label: string;
  explanation: string;
  evidence: Evidence;
  params: Record<string, unknown>;
  computedAt: number;
}

/** Analytic product scores; every job's scores are kept, the newest per facility and product is current. */
export interface ScoreRepo {
  /** Stores scores (a re-run of the same job replaces its own rows). */
  saveScores(scores: Score[]): Promise<void>;
  /** The newest score of each product for a facility. */
  latestForFacility(facilityId: string): Promise<Score[]>;
  /**
   * The newest score per facility for a product, highest first; optionally only some facilities.
   * Facilities whose newest result is "not enough data" (score null) are left out.
   */
  ranking(product: string, opts?: { facilityIds?: string[]; limit?: number }): Promise<Score[]>;
  /** Scores written by one job. */
  listForJob(jobId: string): Promise<Score[]>;
  /**
   * Runs a SQL product: `sql` sees a table `scope_facilities(id)` with `facilityIds` and returns rows with
   * facility_id, score, label, explanation.
   */
  runSqlProduct(
    sql: string,
    facilityIds: string[],
  ): Promise<{ facilityId: string; score: number; label: string; explanation: string }[]>;
}

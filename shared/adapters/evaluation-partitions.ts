// The index partitions of the evaluations' heads (dynamo-evaluation-store.ts lays them out), apart from
// the store: the statistics read a department's evaluations by its partition
// (dynamo-statistics-sources.ts) without bundling the store, its events and their schemas.
import type { EvaluationState } from '../contracts/evaluations.ts';

/** The partition of a channel's, a department's and a state's evaluations. */
export const channelPartition = (channelId: string) => `CH#${channelId}#EVAL`;
export const departmentPartition = (departmentId: string) => `DEPT#${departmentId}#EVAL`;
export const statePartition = (state: EvaluationState) => `STATE#EVAL#${state}`;

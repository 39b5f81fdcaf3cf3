/** @netlab/tour: run every app's demo in turn, and keep README transcripts true. */
export { type DemoApp, findDemoApps } from './apps.ts';
export { findReadmes } from './readmes.ts';
export { runTour, summarize, type TourResult } from './tour.ts';
export {
  type CommandResult,
  fillTranscripts,
  findTranscripts,
  runCommand,
  type Transcript,
} from './transcripts.ts';

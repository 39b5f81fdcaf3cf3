/** @netlab/tour: run every app's demo in turn, and keep README transcripts true. */
export { type DemoApp, findDemoApps } from './apps.ts';
export { freePort } from './free-port.ts';
export { findReadmes } from './readmes.ts';
export { refreshedOutput, runTranscripts, type TranscriptRun } from './run-readme.ts';
export { type JobOutput, runSession, type SessionResult } from './run-session.ts';
export {
  parseSession,
  type Session,
  SessionError,
  type Step,
  sameApartFrom,
  swapNumbers,
} from './session.ts';
export { Shell, type ShellResult } from './shell.ts';
export { runTour, summarize, type TourResult } from './tour.ts';
export {
  blockOutput,
  type CommandResult,
  cleanOutput,
  fillTranscripts,
  findTranscripts,
  runCommand,
  TRANSCRIPT_ENV,
  type Transcript,
} from './transcripts.ts';

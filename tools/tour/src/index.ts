/** @netlab/tour: run every app's demo in turn. */
export { type DemoApp, findDemoApps } from './apps.ts';
export { runTour, summarize, type TourResult } from './tour.ts';

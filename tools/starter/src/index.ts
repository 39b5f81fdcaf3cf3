/** @netlab/starter: export an app as a standalone starter project. */
export { type ExportResult, exportApp, StarterError } from './export.ts';
export { findApps, isPackageRuntimeFile, listFiles, localPackages } from './files.ts';
export { packageManifest, rootManifest } from './manifests.ts';
export { pnpmWorkspace, starterBiome, starterReadme, starterWorkflow } from './texts.ts';

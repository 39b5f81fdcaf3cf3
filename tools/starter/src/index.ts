/** @netlab/starter: export an app as a standalone starter project. */
export { type ExportOptions, type ExportResult, exportApp, StarterError } from './export.ts';
export { findApps, isPackageRuntimeFile, listFiles, localPackages } from './files.ts';
export { benchParts, isBenchFile } from './lean.ts';
export { packageManifest, rootManifest } from './manifests.ts';
export { exportMarkdown, NETLAB_ONLY } from './markdown.ts';
export { moduleFacts, packageOf, parseModule } from './modules.ts';
export { exportTarget, reachPackages } from './reach.ts';
export {
  pnpmWorkspace,
  rewriteCommands,
  starterBiome,
  starterReadme,
  starterWorkflow,
} from './texts.ts';

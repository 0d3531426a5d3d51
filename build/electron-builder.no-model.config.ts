/**
 * electron-builder entry point for the installers without bundled models (artifact names end in
 * "-no-model"). The shared settings live in electron-builder.yml.
 *   electron-builder --config build/electron-builder.no-model.config.ts
 */
import {createBuilderConfig} from "../scripts/lib/builder-config.js";

export default () => createBuilderConfig({bundleModels: false});

/**
 * electron-builder entry point: the installers with bundled models, or without them when
 * DESKSIDE_NO_BUNDLED_MODEL=1. The shared settings live in electron-builder.yml.
 *   electron-builder --config build/electron-builder.config.ts
 */
import {createBuilderConfig} from "../scripts/lib/builder-config.js";
import {isNoModelVariant} from "../scripts/lib/models/manifest.js";

export default () => createBuilderConfig({bundleModels: !isNoModelVariant(process.env)});

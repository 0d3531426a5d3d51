/**
 * Checks model files on disk against the manifest's recorded size and sha256.
 */
import {stat} from "node:fs/promises";
import {sha256OfFile} from "./download.js";
import {targetPath, type SelectedFile} from "./manifest.js";

export type FileCheckStatus = "ok" | "missing" | "checksum-missing" | "size-mismatch" | "checksum-mismatch";

export interface FileCheck {
  modelId: string;
  target: string;
  path: string;
  status: FileCheckStatus;
  expectedSha256: string | null;
  actualSha256: string | null;
  expectedSize: number | null;
  actualSize: number | null;
}

export interface VerifyReport {
  ok: boolean;
  files: FileCheck[];
}

async function sizeOf(filePath: string): Promise<number | null> {
  try {
    const info = await stat(filePath);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

/** Checks one file. Size is compared first so a wrong file is caught without hashing it. */
export async function checkFile(modelsDir: string, {model, file}: SelectedFile): Promise<FileCheck> {
  const filePath = targetPath(modelsDir, file);
  const base = {
    modelId: model.id,
    target: file.target,
    path: filePath,
    expectedSha256: file.sha256,
    expectedSize: file.size,
    actualSha256: null,
  };
  const actualSize = await sizeOf(filePath);
  if (actualSize == null) return {...base, actualSize, status: "missing"};
  if (file.size != null && actualSize !== file.size) return {...base, actualSize, status: "size-mismatch"};
  if (file.sha256 == null) return {...base, actualSize, status: "checksum-missing"};
  const actualSha256 = await sha256OfFile(filePath);
  return {...base, actualSize, actualSha256, status: actualSha256 === file.sha256 ? "ok" : "checksum-mismatch"};
}

export async function verifyFiles(modelsDir: string, files: readonly SelectedFile[]): Promise<VerifyReport> {
  const checks: FileCheck[] = [];
  for (const selected of files) checks.push(await checkFile(modelsDir, selected));
  return {ok: checks.every((check) => check.status === "ok"), files: checks};
}

export function describeCheck(check: FileCheck): string {
  switch (check.status) {
    case "ok":
      return `ok                 ${check.target}`;
    case "missing":
      return `MISSING            ${check.target}`;
    case "checksum-missing":
      return `NO CHECKSUM        ${check.target} (the manifest has no sha256 for it yet)`;
    case "size-mismatch":
      return `WRONG SIZE         ${check.target} (${check.actualSize} bytes, manifest says ${check.expectedSize})`;
    case "checksum-mismatch":
      return `CHECKSUM MISMATCH  ${check.target} (sha256 ${check.actualSha256}, manifest says ${check.expectedSha256})`;
  }
}

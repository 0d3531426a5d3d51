import {scanGroup} from "../scan.js";
import {PRIORITY, type Candidate} from "../types.js";

/** BitLocker recovery passwords: eight blocks of six digits. Anyone holding one can unlock the disk. */
const BITLOCKER = /(?<![\d-])\d{6}(?:-\d{6}){7}(?![\d-])/g;

export function detectRecoveryKeys(text: string): Candidate[] {
  return scanGroup(text, BITLOCKER, "recovery_key", PRIORITY.recoveryKey);
}

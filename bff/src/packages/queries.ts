/**
 * Elders' packages by their derived key: every read of `elder_packages` other than by `_id`
 * is this equality on the indexed `elderMonth` (./model.ts), so none scans on FerretDB.
 */
import { ElderPackage, type ElderPackageDoc } from './model';

/** `elderId:YYYY-MM`, the month the package is for. */
export const packageElderMonth = (elderId: string, month: string) => `${elderId}:${month}`;

/** One elder's packages for one month. */
export const packagesOfElderMonth = (elderId: string, month: string) =>
  ElderPackage.find({ elderMonth: packageElderMonth(elderId, month) })
    .limit(100)
    .lean<ElderPackageDoc[]>();

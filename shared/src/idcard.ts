/**
 * Resident identity card numbers (GB 11643-1999): 6-digit region, 8-digit birth date,
 * 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export type IdCardProblem = 'format' | 'birth_date' | 'check_digit';

/** Each problem in words a person can act on (the server's message and the app's hint). */
export const ID_CARD_PROBLEM_WORDS: Record<IdCardProblem, string> = {
  format: '身份证号应为18位数字（最后一位可以是 X）',
  birth_date: '身份证号里的出生日期不对，请核对第7到14位',
  check_digit: '身份证号最后一位（校验位）不对，请逐位核对',
};

export interface IdCardInfo {
  birthDate: string; // YYYY-MM-DD
  gender: 'male' | 'female';
}

export function isValidCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= days[mo - 1];
}

/** Returns the birth date and gender encoded in a valid number, or the problem. */
export function parseIdCardNo(
  id: string,
): { ok: true; info: IdCardInfo } | { ok: false; problem: IdCardProblem } {
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return { ok: false, problem: 'format' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isValidCalendarDate(birthDate) || birthDate < '1900-01-01')
    return { ok: false, problem: 'birth_date' };
  if (idCardCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'check_digit' };
  return { ok: true, info: { birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female' } };
}

/** Builds a valid number (demo data and tests). */
export function makeIdCardNo(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + idCardCheckChar(first17);
}

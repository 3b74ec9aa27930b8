/** PIPL: ID numbers and phones are shown masked to everyone who does not need them whole. */
export function maskIdCardNo(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/**
 * Masks anything in free text that looks like an ID number or a mobile phone, for logs
 * (e.g. a database duplicate-key message quoting the value).
 */
export function scrubPersonalData(text: string): string {
  return text
    .replace(/(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])/g, (m) => maskIdCardNo(m))
    .replace(/(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g, (m) => maskPhone(m));
}

/**
 * Message text and room names as the gateway passes them on: Unicode NFC, so text typed with combining
 * marks and text typed precomposed are stored, compared and searched (`@mentions`) as the same text.
 * Both transports call this on validated input; other fields are left exactly as sent.
 */
export function normalizedText<T extends { message?: string; name?: string }>(input: T): T {
  const normalized = { ...input };
  if (typeof input.message === 'string') normalized.message = input.message.normalize('NFC');
  if (typeof input.name === 'string') normalized.name = input.name.normalize('NFC');
  return normalized;
}

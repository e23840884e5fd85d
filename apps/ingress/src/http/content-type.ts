/** True for `application/json`, optionally with `charset=utf-8` (JSON has no other encoding, RFC 8259 §8.1). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  if (header === 'application/json') return true; // what senders send: no split, trim or case folding
  const [mediaType = '', ...params] = header.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') return false;
  return params.every((param) => {
    const [name = '', value = ''] = param.split('=');
    return name.trim().toLowerCase() !== 'charset' || /^"?utf-8"?$/i.test(value.trim());
  });
}

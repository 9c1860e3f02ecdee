// Bytes to base64 for the IPC boundary (a picked icon travels as text). Chunked, so a large file does not overflow
// the argument list of String.fromCharCode.
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

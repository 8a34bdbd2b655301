// Reads the mail the server sent, as captured by the mail sink in MAIL_DIR (.eml files),
// and computes TOTP codes like an authenticator app (RFC 6238, SHA-1, 6 digits, 30 s).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHmac } from 'node:crypto';

const MAIL_DIR = process.env.MAIL_DIR;

function decodeQuotedPrintable(s) {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

function messages() {
  if (!MAIL_DIR) throw new Error('MAIL_DIR is not set');
  let files = [];
  try {
    files = readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return files.map((f) => decodeQuotedPrintable(readFileSync(path.join(MAIL_DIR, f), 'utf8')));
}

/** Waits for a message to `to` containing `needle`, and returns the first link with `linkPart`. */
export async function waitForLink(to, linkPart, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const m of messages().reverse()) {
      if (!m.toLowerCase().includes(to.toLowerCase())) continue;
      const match = m.match(new RegExp(`https?://[^\\s"<>]*${linkPart}[^\\s"<>]*`));
      if (match) return match[0];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no e-mail to ${to} with a ${linkPart} link within ${timeoutMs} ms`);
}

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function totp(secretBase32, atMs = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

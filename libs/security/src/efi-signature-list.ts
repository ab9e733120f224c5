import { X509Certificate } from 'node:crypto';

/**
 * EFI_SIGNATURE_LIST (UEFI 2.10 §32.4.1), the format UEFI firmware keeps trusted certificates in: OVMF reads
 * the CA certificates for HTTPS boot from fw_cfg `etc/edk2/https/cacerts` in it, and BMCs enroll the same.
 *
 *   EFI_GUID SignatureType; UINT32 SignatureListSize; UINT32 SignatureHeaderSize; UINT32 SignatureSize;
 *   then (SignatureListSize - 28) / SignatureSize entries of { EFI_GUID SignatureOwner; UINT8 Data[] }.
 *
 * Every entry of one list has the same size, and X.509 certificates differ in length, so each certificate
 * gets a list of its own; the firmware walks the lists one after another.
 */

/** EFI_CERT_X509_GUID: the entry is a DER-encoded X.509 certificate. */
export const EFI_CERT_X509_GUID = 'a5c059a1-94e4-4aa7-87b5-ab155c2bf072';
/** SignatureOwner of the entries bootdepot writes (an agent GUID; firmware does not interpret it). */
export const BOOTDEPOT_OWNER_GUID = '6b1f0e3c-2f4d-4d8e-9b51-62c0f7a1d0b5';

const LIST_HEADER_SIZE = 28;
const GUID_SIZE = 16;

/** EFI_GUID in memory: Data1 (u32), Data2 and Data3 (u16) little-endian, Data4 (8 bytes) as written. */
export function encodeGuid(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${guid}`);
  const out = Buffer.alloc(GUID_SIZE);
  out.writeUInt32LE(parseInt(hex.slice(0, 8), 16), 0);
  out.writeUInt16LE(parseInt(hex.slice(8, 12), 16), 4);
  out.writeUInt16LE(parseInt(hex.slice(12, 16), 16), 6);
  Buffer.from(hex.slice(16), 'hex').copy(out, 8);
  return out;
}

export function decodeGuid(bytes: Buffer): string {
  const d1 = bytes.readUInt32LE(0).toString(16).padStart(8, '0');
  const d2 = bytes.readUInt16LE(4).toString(16).padStart(4, '0');
  const d3 = bytes.readUInt16LE(6).toString(16).padStart(4, '0');
  const d4 = bytes.subarray(8, 16).toString('hex');
  return `${d1}-${d2}-${d3}-${d4.slice(0, 4)}-${d4.slice(4)}`;
}

/** One EFI_SIGNATURE_LIST per certificate, concatenated. */
export function encodeX509SignatureLists(ders: readonly Buffer[], owner = BOOTDEPOT_OWNER_GUID): Buffer {
  const type = encodeGuid(EFI_CERT_X509_GUID);
  const ownerGuid = encodeGuid(owner);
  return Buffer.concat(
    ders.map((der) => {
      const header = Buffer.alloc(LIST_HEADER_SIZE);
      type.copy(header, 0);
      const signatureSize = GUID_SIZE + der.length;
      header.writeUInt32LE(LIST_HEADER_SIZE + signatureSize, 16);
      header.writeUInt32LE(0, 20);
      header.writeUInt32LE(signatureSize, 24);
      return Buffer.concat([header, ownerGuid, der]);
    }),
  );
}

export interface SignatureEntry {
  type: string;
  owner: string;
  data: Buffer;
}

/** Reads concatenated EFI_SIGNATURE_LISTs, checking every size field (for tests and for inspecting a file). */
export function decodeSignatureLists(bytes: Buffer): SignatureEntry[] {
  const entries: SignatureEntry[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < LIST_HEADER_SIZE) throw new Error(`truncated list header at byte ${offset}`);
    const type = decodeGuid(bytes.subarray(offset, offset + GUID_SIZE));
    const listSize = bytes.readUInt32LE(offset + 16);
    const headerSize = bytes.readUInt32LE(offset + 20);
    const signatureSize = bytes.readUInt32LE(offset + 24);
    const bodySize = listSize - LIST_HEADER_SIZE - headerSize;
    if (listSize < LIST_HEADER_SIZE || offset + listSize > bytes.length) {
      throw new Error(`list at byte ${offset} claims ${listSize} bytes; ${bytes.length - offset} are left`);
    }
    if (signatureSize <= GUID_SIZE || bodySize < 0 || bodySize % signatureSize !== 0) {
      throw new Error(`list at byte ${offset}: signature size ${signatureSize} does not divide ${bodySize} bytes`);
    }
    for (let at = offset + LIST_HEADER_SIZE + headerSize; at < offset + listSize; at += signatureSize) {
      entries.push({
        type,
        owner: decodeGuid(bytes.subarray(at, at + GUID_SIZE)),
        data: Buffer.from(bytes.subarray(at + GUID_SIZE, at + signatureSize)),
      });
    }
    offset += listSize;
  }
  return entries;
}

/** Every certificate of a PEM bundle (a CA file may hold several), parsed, in order. */
export function certificatesFromPem(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

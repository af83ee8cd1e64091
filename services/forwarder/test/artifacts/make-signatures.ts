import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const run = promisify(execFile);

export interface KeyPair {
  publicPem: string;
  privateKey: KeyObject;
}

export function ecKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

export type BundleVersion = '0.2' | '0.3';

const MEDIA_TYPES: Record<BundleVersion, string> = {
  '0.2': 'application/vnd.dev.sigstore.bundle+json;version=0.2',
  '0.3': 'application/vnd.dev.sigstore.bundle.v0.3+json',
};

/** A keyed Sigstore bundle with no log entry, as `cosign sign-blob --key --tlog-upload=false --bundle` makes one. */
export function keyedMessageBundle(artifact: Buffer, key: KeyObject, hint: string, version: BundleVersion = '0.3'): object {
  return {
    mediaType: MEDIA_TYPES[version],
    verificationMaterial: { publicKey: { hint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(artifact).digest('base64') },
      signature: sign('sha256', artifact, key).toString('base64'),
    },
  };
}

/** A keyed DSSE bundle over an in-toto statement naming `subjectSha256`. */
export function keyedDsseBundle(subjectName: string, subjectSha256: string, key: KeyObject, hint: string): object {
  const payloadType = 'application/vnd.in-toto+json';
  const payload = Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: subjectName, digest: { sha256: subjectSha256 } }],
    predicateType: 'https://example.test/release/v1',
    predicate: {},
  }));
  // DSSE signs the pre-authentication encoding, not the payload itself.
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
  return {
    mediaType: MEDIA_TYPES['0.3'],
    verificationMaterial: { publicKey: { hint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType, signatures: [{ sig: sign('sha256', pae, key).toString('base64'), keyid: '' }] },
  };
}

/** A bundle whose key is a certificate (the keyless shape); this one is self-signed, made by openssl. */
export function certificateMessageBundle(artifact: Buffer, key: KeyObject, certificateDer: Buffer): object {
  return {
    mediaType: MEDIA_TYPES['0.3'],
    verificationMaterial: { certificate: { rawBytes: certificateDer.toString('base64') }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(artifact).digest('base64') },
      signature: sign('sha256', artifact, key).toString('base64'),
    },
  };
}

/**
 * JSON request and response shapes of the HTTP API, with validators for the
 * ones the server reads. Binary fields travel as unpadded base64url; account
 * ids as their canonical 27-character string. See packages/server/README.md.
 */
import { parseAccountId } from './account-id.js';
import { fromBase64Url } from './base64.js';
import { ErrorCode, WireError } from './errors.js';
import {
  EC_KEY_TYPE,
  EC_PUBLIC_KEY_BYTES,
  KEM_KEY_TYPE,
  KEM_PUBLIC_KEY_BYTES,
  MAX_PQ_PREKEYS_PER_UPLOAD,
  MAX_PREKEYS_PER_UPLOAD,
  MAX_REGISTRATION_ID,
  PROVISIONING_CHANNEL_BYTES,
  SIGNATURE_BYTES,
} from './limits.js';
import { POW_MAX_CHALLENGE_LENGTH } from './pow.js';
import { array, boundedBytes, bytes, int, object, optional, str, type Validator } from './schema.js';

const U32 = 0xffffffff;

function typedKey(length: number, type: number, what: string): Validator<Uint8Array> {
  return (v, path) => {
    if (typeof v !== 'string' || v.length > Math.ceil((length * 4) / 3)) {
      throw new WireError(ErrorCode.InvalidKey, `${what} must be ${length} bytes`, path);
    }
    const out = fromBase64Url(v, path);
    if (out.length !== length || out[0] !== type) {
      throw new WireError(
        ErrorCode.InvalidKey,
        `${what} must be ${length} bytes starting with 0x0${type}`,
        path,
      );
    }
    return out;
  };
}

/** Serialized Curve25519 public key (0x05 ‖ 32 bytes). */
export const ecPublicKey = typedKey(EC_PUBLIC_KEY_BYTES, EC_KEY_TYPE, 'EC public key');
/** Serialized Kyber1024 public key (0x08 ‖ 1568 bytes). */
export const kemPublicKey = typedKey(KEM_PUBLIC_KEY_BYTES, KEM_KEY_TYPE, 'Kyber public key');

/** An account id path segment or field, parsed to its 16 bytes. */
export const accountIdField: Validator<Uint8Array> = (v, path) => {
  if (typeof v !== 'string') throw new WireError(ErrorCode.BadRequest, 'must be an account id', path);
  return parseAccountId(v);
};

/** `POST /v1/accounts/challenge` response. */
export interface ChallengeResponse {
  challenge: string;
  bits: number;
  /** Milliseconds since the Unix epoch after which the challenge is refused. */
  expiresAt: number;
}

/** `POST /v1/accounts` request: a solved challenge and the device's registration id. */
export const RegisterRequest = object({
  pow: object({ challenge: str(POW_MAX_CHALLENGE_LENGTH), nonce: int(0, Number.MAX_SAFE_INTEGER) }),
  registrationId: int(1, MAX_REGISTRATION_ID),
});
export type RegisterRequest = ReturnType<typeof RegisterRequest>;

/**
 * `POST /v1/provisioning` response: a fresh channel through which a new
 * device and an existing one exchange opaque blobs (docs/provisioning.md).
 */
export interface ProvisioningChannelResponse {
  channel: string;
  /** Milliseconds since the Unix epoch after which the channel and its slots are gone. */
  expiresAt: number;
}

/** Validator of {@link ProvisioningChannelResponse} for clients. */
export const ProvisioningChannelResponseSchema = object({
  channel: bytes(PROVISIONING_CHANNEL_BYTES),
  expiresAt: int(0, Number.MAX_SAFE_INTEGER),
});

/** `POST /v1/devices` request (authenticated): adds a device to the caller's account. */
export const LinkDeviceRequest = object({ registrationId: int(1, MAX_REGISTRATION_ID) });
export type LinkDeviceRequest = ReturnType<typeof LinkDeviceRequest>;

/**
 * `POST /v1/accounts` (and `POST /v1/devices`) response. Keep `credential`
 * secret: it is the device's password. `trustRoot` is the public key every
 * sender certificate of this server chains to; the client pins it.
 */
export interface RegisterResponse {
  accountId: string;
  deviceId: number;
  credential: string;
  trustRoot: string;
}

/** Validator of {@link RegisterResponse} for clients. */
export const RegisterResponseSchema = object({
  accountId: str(64),
  deviceId: int(1, 255),
  credential: str(256),
  trustRoot: ecPublicKey,
});

/** `GET /v1/certificate/trust-root` response, for profiles made before the root was pinned at registration. */
export interface TrustRootResponse {
  trustRoot: string;
}

/** Validator of {@link TrustRootResponse} for clients. */
export const TrustRootResponseSchema = object({ trustRoot: ecPublicKey });

/** Largest sender certificate a client accepts from its server (a real one is about 250 bytes). */
export const MAX_SENDER_CERTIFICATE_BYTES = 1024;

/**
 * `GET /v1/certificate/delivery` response (authenticated): a libsignal
 * SenderCertificate for the calling device, and its expiry (ms since the epoch).
 */
export interface SenderCertificateResponse {
  certificate: string;
  expires: number;
}

/** Validator of {@link SenderCertificateResponse} for clients. */
export const SenderCertificateResponseSchema = object({
  certificate: boundedBytes(MAX_SENDER_CERTIFICATE_BYTES),
  expires: int(0, Number.MAX_SAFE_INTEGER),
});

const PreKey = object({ keyId: int(0, U32), publicKey: ecPublicKey });
const SignedPreKey = object({
  keyId: int(0, U32),
  publicKey: ecPublicKey,
  signature: bytes(SIGNATURE_BYTES),
});
const KyberPreKey = object({
  keyId: int(0, U32),
  publicKey: kemPublicKey,
  signature: bytes(SIGNATURE_BYTES),
});
export type PreKey = ReturnType<typeof PreKey>;
export type SignedPreKey = ReturnType<typeof SignedPreKey>;
export type KyberPreKey = ReturnType<typeof KyberPreKey>;

/**
 * `PUT /v1/keys` request. `identityKey` is required every time and must match
 * the account's once set. Any other field replaces (signed, last resort) or
 * adds to (one-time) what is stored.
 */
export const KeysUploadRequest = object({
  identityKey: ecPublicKey,
  signedPreKey: optional(SignedPreKey),
  pqLastResortPreKey: optional(KyberPreKey),
  preKeys: optional(array(MAX_PREKEYS_PER_UPLOAD, PreKey)),
  pqPreKeys: optional(array(MAX_PQ_PREKEYS_PER_UPLOAD, KyberPreKey)),
});
export type KeysUploadRequest = ReturnType<typeof KeysUploadRequest>;

/** `GET /v1/keys/count` response: one-time keys left for the calling device. */
export interface PreKeyCountResponse {
  preKeys: number;
  pqPreKeys: number;
}

/** JSON form of a key as served in a bundle (base64url fields). */
export interface PreKeyJson {
  keyId: number;
  publicKey: string;
}
export interface SignedPreKeyJson extends PreKeyJson {
  signature: string;
}

/** One device's bundle. `preKey` is absent when its one-time keys ran out. */
export interface DeviceBundleJson {
  deviceId: number;
  registrationId: number;
  signedPreKey: SignedPreKeyJson;
  preKey?: PreKeyJson;
  /** A one-time Kyber prekey, or the last-resort one when none is left. */
  pqPreKey: SignedPreKeyJson;
}

/** `GET /v1/keys/{accountId}/{deviceId|*}` response. */
export interface PreKeyBundleResponse {
  identityKey: string;
  devices: DeviceBundleJson[];
  /**
   * The account's latest signed device list (docs/device-list.md), absent
   * when its devices never uploaded one. Senders check it, not the server.
   */
  deviceList?: string;
}

/** Largest signed device list (8 devices: 1 + 16 + 4 + 1 + 8 × 6 + 64 bytes). */
export const MAX_DEVICE_LIST_BYTES = 134;

/** `PUT /v1/devices/list` request: the signed list, base64url. */
export const DeviceListUploadRequest = object({ deviceList: boundedBytes(MAX_DEVICE_LIST_BYTES) });
export type DeviceListUploadRequest = ReturnType<typeof DeviceListUploadRequest>;

/**
 * `GET /v1/keys/{accountId}/identity` response: the account's identity key,
 * looked up without consuming any prekey (a client checks the claimed sender
 * of a first message against it).
 */
export interface IdentityKeyResponse {
  identityKey: string;
}

/** Validator of {@link IdentityKeyResponse} for clients: the key parsed to its 33 bytes. */
export const IdentityKeyResponseSchema = object({ identityKey: ecPublicKey });

/** Body of every error response. */
export interface ErrorResponse {
  error: { code: ErrorCode; message: string };
}

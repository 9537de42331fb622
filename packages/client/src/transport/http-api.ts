/**
 * The server's HTTP API as the client uses it (fetch, isomorphic): the
 * registration challenge, registration, key upload and count, bundle fetch,
 * identity-key lookup.
 * Every error response becomes a ClientError carrying the server's stable code.
 */
import {
  type ChallengeResponse,
  type ErrorResponse,
  type IdentityKeyResponse,
  type KeysUploadRequest,
  type PreKeyBundleResponse,
  type PreKeyCountResponse,
  type ProvisioningChannelResponse,
  type RegisterResponse,
  type SenderCertificateResponse,
  type TrustRootResponse,
  toBase64Url,
} from '@tacet/wire';
import { ClientError } from '../errors.js';

/** A device's login: account id (canonical string), device id, secret credential. */
export interface DeviceCredentials {
  readonly accountId: string;
  readonly deviceId: number;
  readonly credential: string;
}

/** JSON form of a key upload (bytes as base64url), as PUT /v1/keys takes it. */
export type KeysUploadJson = {
  [K in keyof KeysUploadRequest]: unknown;
};

/** The `Authorization` header value for a device. */
export function authorization(c: DeviceCredentials): string {
  return `Basic ${btoa(`${c.accountId}.${c.deviceId}:${c.credential}`)}`;
}

/** The WebSocket login for a device: header for Node, subprotocol for browsers. */
export function wsLogin(c: DeviceCredentials): { headers: Record<string, string>; protocols: string[] } {
  const login = new TextEncoder().encode(`${c.accountId}.${c.deviceId}:${c.credential}`);
  // The server answers with `tacet.v1`; a browser fails the handshake unless one offered protocol is echoed.
  return {
    headers: { authorization: authorization(c) },
    protocols: ['tacet.v1', `tacet.auth.${toBase64Url(login)}`],
  };
}

/** Base64url of bytes, as the API's JSON wants them. */
export const b64u = (b: Uint8Array): string => toBase64Url(b);

/**
 * @example
 * const api = new HttpApi('http://127.0.0.1:8080');
 * const { challenge, bits } = await api.challenge();
 */
export class HttpApi {
  readonly #base: string;
  readonly #creds: DeviceCredentials | undefined;

  constructor(baseUrl: string, creds?: DeviceCredentials) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#creds = creds;
  }

  withCredentials(creds: DeviceCredentials): HttpApi {
    return new HttpApi(this.#base, creds);
  }

  challenge(): Promise<ChallengeResponse> {
    return this.#json('POST', '/v1/accounts/challenge', {});
  }

  register(body: {
    pow: { challenge: string; nonce: number };
    registrationId: number;
  }): Promise<RegisterResponse> {
    return this.#json('POST', '/v1/accounts', body);
  }

  uploadKeys(body: KeysUploadJson): Promise<unknown> {
    return this.#json('PUT', '/v1/keys', body);
  }

  /** Uploads this account's signed device list (docs/device-list.md). */
  putDeviceList(deviceList: Uint8Array): Promise<unknown> {
    return this.#json('PUT', '/v1/devices/list', { deviceList: toBase64Url(deviceList) });
  }

  keyCount(): Promise<PreKeyCountResponse> {
    return this.#json('GET', '/v1/keys/count');
  }

  bundle(accountId: string, device: number | '*' = '*'): Promise<PreKeyBundleResponse> {
    return this.#json('GET', `/v1/keys/${encodeURIComponent(accountId)}/${device}`);
  }

  /** Opens a provisioning channel for linking this (new) device. */
  openProvisioning(): Promise<ProvisioningChannelResponse> {
    return this.#json('POST', '/v1/provisioning', {});
  }

  /** Adds a device to this account: its id and credential (POST /v1/devices). */
  addDevice(registrationId: number): Promise<RegisterResponse> {
    return this.#json('POST', '/v1/devices', { registrationId });
  }

  /** Unlinks device `deviceId` of this account: its credential, keys and queue go. */
  removeDevice(deviceId: number): Promise<unknown> {
    return this.#json('DELETE', `/v1/devices/${deviceId}`);
  }

  /** Deletes this account on the server (its keys, devices and queued messages). */
  deleteAccount(): Promise<unknown> {
    return this.#json('DELETE', '/v1/accounts/me');
  }

  /** The account's identity key from the directory; consumes no prekey. */
  identityKey(accountId: string): Promise<IdentityKeyResponse> {
    return this.#json('GET', `/v1/keys/${encodeURIComponent(accountId)}/identity`);
  }

  /** This device's sender certificate, freshly issued. */
  senderCertificate(): Promise<SenderCertificateResponse> {
    return this.#json('GET', '/v1/certificate/delivery');
  }

  /**
   * Uploads one sealed sender v2 message for many devices (a group message);
   * resolves once every copy is committed, naming the devices that got none.
   */
  multiRecipient(
    id: Uint8Array,
    ttlSeconds: number,
    body: Uint8Array,
    /** Hold the upload to every listed device of each account (nothing stored, `missing` named, if not). */
    allDevices = false,
  ): Promise<MultiRecipientResult> {
    const all = allDevices ? '&all=1' : '';
    const path = `/v1/messages/multi-recipient?id=${toBase64Url(id)}&ttl=${ttlSeconds}${all}`;
    return this.#request('PUT', path, body, 'application/octet-stream').then((v) =>
      checkMultiRecipient(v, path),
    );
  }

  /** The server's trust root, for a profile that has none pinned yet. */
  trustRoot(): Promise<TrustRootResponse> {
    return this.#json('GET', '/v1/certificate/trust-root');
  }

  #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const json = body === undefined ? undefined : JSON.stringify(body);
    return this.#request(method, path, json, 'application/json');
  }

  async #request<T>(
    method: string,
    path: string,
    body: string | Uint8Array | undefined,
    type: string,
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = type;
    if (this.#creds) headers.authorization = authorization(this.#creds);
    let res: Response;
    try {
      // A copy typed over a plain ArrayBuffer, as fetch's body wants.
      const sent = typeof body === 'string' || body === undefined ? (body ?? null) : new Uint8Array(body);
      res = await fetch(this.#base + path, { method, headers, body: sent });
    } catch (e) {
      throw new ClientError(
        'ServerUnreachable',
        `cannot reach the server at ${this.#base} (${String(e)}); is it running?`,
      );
    }
    const text = await readBounded(res, path);
    if (!res.ok) throw toClientError(res.status, text, path);
    try {
      const v: unknown = text ? JSON.parse(text) : {};
      if (typeof v === 'object' && v !== null) return v as T;
    } catch {
      // fall through to the typed error
    }
    throw malformed(path);
  }
}

/** The answer to a multi-recipient upload: copies stored, and each device that got none. */
export interface MultiRecipientResult {
  readonly stored: number;
  readonly refused: ReadonlyArray<{ accountId: string; deviceId: number; code: string }>;
  /** Asked for all devices: accounts whose signed list names a device left out (then nothing was stored). */
  readonly missing?: readonly string[];
}

function checkMultiRecipient(v: unknown, path: string): MultiRecipientResult {
  const r = v as Partial<MultiRecipientResult>;
  const ok =
    Number.isSafeInteger(r.stored) &&
    Array.isArray(r.refused) &&
    r.refused.every(
      (x) => typeof x?.accountId === 'string' && Number.isInteger(x.deviceId) && typeof x.code === 'string',
    ) &&
    (r.missing === undefined || (Array.isArray(r.missing) && r.missing.every((x) => typeof x === 'string')));
  if (!ok) throw malformed(path);
  return r as MultiRecipientResult;
}

/**
 * A refused WebSocket carries no reason; an authenticated HTTP call tells a
 * server that is down from one that no longer knows this device.
 */
export async function explainRefusal(api: HttpApi, e: unknown): Promise<never> {
  const probe = await api.keyCount().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (probe instanceof ClientError && probe.data.status === 401) {
    throw new ClientError(
      'NotRegistered',
      'the server does not know this device any more (was its data reset?); register a new profile',
    );
  }
  throw e;
}

/** Largest response body read: bundles are ~2.5 KiB per device, 8 devices at most. */
const MAX_RESPONSE_BYTES = 256 * 1024;

function malformed(path: string): ClientError {
  return new ClientError('ServerError', `the server sent a malformed answer to ${path}`, {
    code: 'malformed_response',
  });
}

async function readBounded(res: Response, path: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_RESPONSE_BYTES) throw malformed(path);
  const text = await res.text();
  if (text.length > MAX_RESPONSE_BYTES) throw malformed(path);
  return text;
}

function toClientError(status: number, text: string, path: string): ClientError {
  let code = `http_${status}`;
  let message = text.slice(0, 200);
  try {
    const e = (JSON.parse(text) as ErrorResponse).error;
    if (e && typeof e.code === 'string') {
      code = e.code;
      message = String(e.message);
    }
  } catch {
    // not JSON: keep the status
  }
  return new ClientError('ServerError', `server refused ${path}: ${message} (${code})`, { code, status });
}

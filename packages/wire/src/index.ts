/**
 * @tacet/wire — the contract between tacet's server and its clients,
 * isomorphic (no Node-only modules): WebSocket protobuf frames, JSON API
 * schemas with validators, proof-of-work, account ids, stable error codes.
 */
export {
  ACCOUNT_ID_BYTES,
  ACCOUNT_ID_LENGTH,
  AccountIdError,
  type AccountIdErrorReason,
  displayAccountId,
  formatAccountId,
  parseAccountId,
} from './account-id.js';
export {
  accountIdField,
  type ChallengeResponse,
  type DeviceBundleJson,
  DeviceListUploadRequest,
  type ErrorResponse,
  ecPublicKey,
  type IdentityKeyResponse,
  IdentityKeyResponseSchema,
  KeysUploadRequest,
  type KyberPreKey,
  kemPublicKey,
  LinkDeviceRequest,
  MAX_DEVICE_LIST_BYTES,
  MAX_SENDER_CERTIFICATE_BYTES,
  type PreKey,
  type PreKeyBundleResponse,
  type PreKeyCountResponse,
  type PreKeyJson,
  type ProvisioningChannelResponse,
  ProvisioningChannelResponseSchema,
  RegisterRequest,
  type RegisterResponse,
  RegisterResponseSchema,
  type SenderCertificateResponse,
  SenderCertificateResponseSchema,
  type SignedPreKey,
  type SignedPreKeyJson,
  type TrustRootResponse,
  TrustRootResponseSchema,
} from './api.js';
export {
  ATTACHMENT_ID_BYTES,
  AttachmentDeadlineRequest,
  CreateAttachmentRequest,
  type CreateAttachmentResponse,
  MAX_ATTACHMENT_PIECE_BYTES,
  MAX_ATTACHMENT_RECIPIENTS,
  UPLOAD_OFFSET_HEADER,
  type UploadStatusResponse,
} from './attachments.js';
export { fromBase64Url, toBase64Url } from './base64.js';
export { ErrorCode, isErrorCode, RETRYABLE_CODES, WireError } from './errors.js';
export { decodeClientFrame, decodeServerFrame, encodeClientFrame, encodeServerFrame } from './frames.js';
export * from './gen/tacet/wire/v1/frames_pb.js';
export * from './limits.js';
export {
  checkPow,
  leadingZeroBits,
  POW_MAX_BITS,
  POW_MAX_CHALLENGE_LENGTH,
  solvePow,
  solvePowAsync,
} from './pow.js';
export {
  array,
  boundedBytes,
  bytes,
  int,
  object,
  optional,
  parseJson,
  str,
  type Validator,
} from './schema.js';

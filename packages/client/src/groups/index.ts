/** Groups kept only on members' devices (issue 11): state, signed changes, their codec and the member's log. */
export type { GroupChange, SignedGroupChange } from './group-change.js';
export {
  decodeGroupState,
  decodeSignedGroupChange,
  encodeGroupState,
  encodeSignedGroupChange,
  GROUP_CODEC_VERSION,
  GroupCodecError,
  type GroupCodecErrorReason,
} from './group-codec.js';
export {
  COMPACT_AFTER_VERSIONS,
  GroupLog,
  type GroupLogUpdate,
  type GroupWarning,
  KEPT_GROUP_VERSIONS,
  MAX_HELD_GROUP_CHANGES,
} from './group-log.js';
export {
  DEFAULT_GROUP_TIMER_SECONDS,
  GROUP_ID_BYTES,
  type GroupMember,
  type GroupState,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_BYTES,
} from './group-state.js';
export {
  applyGroupChange,
  type GroupRejection,
  groupStateHash,
  signGroupChange,
  type TransitionResult,
} from './group-transition.js';

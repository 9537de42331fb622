export { ProtobufReader, ProtobufWriter, WireType } from './protobuf.js';

export * from './device-list.js';
export * from './newest-list.js';

/** Private test helpers shared by the packages' test suites. */
export { uniqueName } from './unique-name.js';

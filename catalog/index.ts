export * from './types';
export * from './defaults';
export { bookingSaga } from './booking-saga';

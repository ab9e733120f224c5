/** Injection tokens for the values every role shares. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const APP_LOGGER = Symbol('APP_LOGGER');
export const SECRET_BOX = Symbol('SECRET_BOX');
export const PROCESS_ROLE = Symbol('PROCESS_ROLE');
export const URL_SIGNER = Symbol('URL_SIGNER');

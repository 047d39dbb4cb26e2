/** Injection tokens of standalone mode. */
export const STANDALONE_CONFIG = Symbol('STANDALONE_CONFIG');
export const STANDALONE_STORAGE = Symbol('STANDALONE_STORAGE');

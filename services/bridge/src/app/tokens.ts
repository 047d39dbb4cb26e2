/** Injection tokens of the bridge service. */
export const BRIDGE_CONFIG = Symbol('BRIDGE_CONFIG');
export const BRIDGE_LOGGER = Symbol('BRIDGE_LOGGER');

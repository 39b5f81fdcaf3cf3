/** Plain numbers the help texts and the protocol share, in a module that imports nothing. */

/** The port a server listens on, and a client dials, unless told otherwise. */
export const DEFAULT_PORT = 4040;

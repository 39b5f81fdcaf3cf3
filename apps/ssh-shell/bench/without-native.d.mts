/** Types of without-native.mjs, the bench preload that leaves ssh2's optional native builds out. */
/** The builds this process was asked to load and refused. */
export declare const refused: Set<string>;

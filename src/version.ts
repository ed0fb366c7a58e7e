/** This package's version, printed in report headers. */
export const VERSION = "0.1.0";

/*
 * about.h — the version every output names (reports, SARIF's tool.driver,
 * `palisade version`, the public API's pal_version()).  One place, so a
 * release bumps one line.
 */
#ifndef PAL_ABOUT_H
#define PAL_ABOUT_H

#define PALISADE_VERSION "0.1.0"

#endif

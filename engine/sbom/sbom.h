/*
 * sbom.h — software bills of materials: an inventory written as CycloneDX
 * 1.6 or SPDX 2.3 JSON, and an SBOM read back as an inventory.
 *
 * Design. The inventory (engine/inventory/inventory.h) already holds what an
 * SBOM lists — packages with ecosystem, version, purl, license, the file each
 * came from — so the writers only map fields, in one pass, and the reader
 * maps them back: `palisade scan --sbom FILE` and `feed match --sbom FILE`
 * match vulnerabilities from a CycloneDX or SPDX file exactly as from an
 * image, because both end up as the same inventory shape.
 *
 * CycloneDX 1.6: metadata.component is the image (type "container", its
 * name and id), the operating system from image.distro is a component of
 * type "operating-system", every package a "library" (an "application" for
 * a Go main module) with bom-ref, name, version, purl, licenses (by name:
 * free text is not always an SPDX id), hashes (SHA-256 of the file it came
 * from, when the inventory was read with hashes) and palisade:* properties
 * (ecosystem, location, source, epoch); dependencies: the image depends on
 * every component, a Go main module on the modules of its binary.
 * SPDX 2.3: the document DESCRIBES the image package, which CONTAINS every
 * package; each package has a purl externalRef, versionInfo, a SHA256
 * checksum where known, and NOASSERTION where SPDX wants a value palisade
 * does not know (download location, declared license: rpm's and Python's
 * license fields are free text, kept in licenseComments).
 *
 * Both carry a serial number / namespace derived from the image id, so the
 * same image gives the same identifiers; the timestamp is now (UTC) unless
 * SOURCE_DATE_EPOCH says otherwise (reproducible builds' convention).
 *
 * Ownership: every function returns a new cJSON tree for the caller to
 * cJSON_Delete, or NULL with err.
 */
#ifndef PAL_SBOM_H
#define PAL_SBOM_H

#include <stddef.h>
#include <cJSON.h>

#define PAL_SBOM_MAX_COMPONENTS 1000000u   /* components read from one SBOM */

cJSON *pal_sbom_cyclonedx(const cJSON *inventory, char *err, size_t errcap);
cJSON *pal_sbom_spdx(const cJSON *inventory, char *err, size_t errcap);

/* A CycloneDX (bomFormat) or SPDX (spdxVersion) JSON document as an
   inventory: image {name, distro} and packages {name, version, ecosystem,
   purl, group, ...} from each component's purl (pkg:deb, apk, rpm, npm,
   pypi, golang, maven, gem, cargo; others are kept with ecosystem "" and
   counted in *skipped).  NULL with err naming what is wrong. */
cJSON *pal_sbom_read(const cJSON *doc, size_t *skipped, char *err, size_t errcap);
/* The same from a file (at most PAL_SBOM_MAX_BYTES): 0, or -1 with err
   naming the file and what is wrong. */
#define PAL_SBOM_MAX_BYTES (512u << 20)
int pal_sbom_read_file(const char *path, cJSON **inventory, size_t *skipped, char *err, size_t errcap);

/* The image fields an inventory read from an SBOM has (with the
   vulnerabilities that matching adds), by language name, NULL-terminated.
   Any other field of the image (its configuration, files, accounts,
   history, tags) an SBOM does not list: a check that reads one cannot be
   answered, and `scan --sbom` reports it not applicable instead of running
   it on an empty inventory (engine/scan/scan.c). */
extern const char *const pal_sbom_image_fields[];

#endif

/*
 * learn.h — learning mode: observed behaviour becomes palisade source.
 *
 * Design. A model keeps, per container image, what its containers were
 * seen doing — executables started, outbound addresses and ports,
 * listening ports, DNS names — and, across images, every
 * container-to-container connection.  Each observation carries a count and
 * the first and last event timestamps, which become comments in the source.
 *
 * The model is written as one `runtime "learned IMAGE"` block per image
 * (allow entries plus `default effect alert` in each section, so anything
 * not seen while learning alerts) and one `firewall "learned
 * container-to-container"` block.  Output is sorted, so the same input
 * always gives the same file.
 *
 * Relearning is additive and text-preserving: pal_learn_render() given an
 * existing file parses it, treats the allow entries of its learned blocks
 * as already known, and inserts only what is new — new entries just before
 * a section's closing brace, new sections before a block's closing brace,
 * new blocks at the end.  Everything else in the file (hand-written deny
 * entries, comments, other rules) is kept byte for byte, so a merge never
 * drops anything — but for one line learn wrote itself: the PAL0712
 * suppression above a learned `*.apex`, removed once the apex is allowed
 * (lint would call it needless, PAL0711).
 */
#ifndef PAL_LEARN_H
#define PAL_LEARN_H

#include <stddef.h>
#include "engine/decode/decode.h"

/* Distinct observations kept per image section; past it, new ones are
   counted as dropped (reported), so a noisy stream cannot exhaust memory. */
#define PAL_LEARN_MAX_ENTRIES 100000

typedef struct pal_learn_opts {
    const char *image_glob;  /* learn only images whose name matches (like); NULL = all */
    unsigned collapse_dns;   /* N > 0: N or more names under one parent become "*.parent" */
} pal_learn_opts;

typedef struct pal_learn pal_learn;

pal_learn *pal_learn_new(const pal_learn_opts *o);
void pal_learn_free(pal_learn *l);

/* Adds one decoded event.  Events without a container image, of another
   image than the glob, or of no kind are counted as skipped.  A network
   event without container.image.name whose two ends name their images
   (source/destination.container.image.name) is learned as a firewall flow;
   --image then selects it when either end matches.  Returns 0, or -1 when
   out of memory. */
int pal_learn_event(pal_learn *l, const pal_event *ev);

typedef struct pal_learn_stats {
    unsigned long events, learned, skipped_no_image, skipped_filtered, skipped_unusable, dropped;
    unsigned images;
} pal_learn_stats;
void pal_learn_get_stats(const pal_learn *l, pal_learn_stats *out);

/* Renders the model as source.  With `existing` (the text of a learned
   file, `existing_name` for messages) the result is that text with only the
   new behaviour inserted.  Every added entry is appended to *diff as a line
   "+ BLOCK SECTION: ENTRY" (may be NULL).  Returns a malloc'd NUL-terminated
   string, or NULL with a message in err (the existing file does not parse:
   the message names file:line:col). */
char *pal_learn_render(pal_learn *l, const char *existing, size_t existing_len,
                       const char *existing_name, char **diff, char *err, size_t errcap);

#endif

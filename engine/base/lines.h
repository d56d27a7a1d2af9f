/*
 * lines.h — a byte stream cut into lines, never holding more than one line.
 *
 * pal_lines cuts a byte stream into lines without ever holding more than
 * one line (PAL_MAX_EVENT_LINE) plus one read: bytes are read straight into
 * its buffer (pal_lines_space, then pal_lines_commit with the count), complete
 * lines are handed to a callback, the unfinished tail stays.  A line over
 * the limit is dropped as it streams past and reported as one too-long line
 * when its newline arrives, so a hostile writer cannot make a reader buffer
 * without bound.  Line numbers count every line, empty ones included (they
 * are not handed to the callback), so a line number is the input's own.
 * Trailing '\r' bytes are not part of a line.  A line's length, against
 * the limit, is its bytes before the newline less the '\r' of a CRLF
 * ending, measured the same way while it arrives and when it is complete,
 * so the outcome never depends on how the bytes were cut.  A request/reply
 * protocol, where every line needs an answer, sets deliver_empty: then
 * empty lines are handed on too.
 *
 * Pausing.  When the callback returns non-zero the feed stops right after
 * that line; the complete lines read behind it stay in the buffer (held)
 * and pal_lines_drain hands them on later, in order — how a reader with a
 * full output queue stops deciding without losing what it has read.  While
 * lines are held there is no space for a new read.
 *
 * In place, and handed off.  Bytes are read into the buffer and lines are
 * handed on as pointers into it: no line is copied.  The lines handed on
 * stay where they are until the next pal_lines_space (which only then
 * moves the unfinished tail to the front), so a consumer may keep the
 * pointers of one read's lines until then — or for as long as it likes
 * when it takes the whole buffer with pal_lines_swap_buffer, which gives
 * the splitter another buffer with the unfinished tail copied into it
 * (the parallel deciders of engine/runtime/workers.h take each read's
 * buffer this way, so their lines are never copied either).  read_size
 * asks for bigger reads (fewer system calls, bigger batches); the buffer
 * stays bounded by one line at the limit plus one read.
 *
 * Used by `palisade eval` and `palisade agent` for every event source; one
 * splitter per source, not thread-safe.
 */
#ifndef PAL_BASE_LINES_H
#define PAL_BASE_LINES_H

#include <stdbool.h>
#include <stddef.h>

/* Called for every non-empty line (every line with deliver_empty) and
   every too-long one, with toolong set and line = NULL.  A non-zero return
   stops the feed after this line and is passed back; the lines behind it
   are held for pal_lines_drain. */
typedef int (*pal_line_fn)(void *user, const char *line, size_t len, bool toolong, long lineno);

typedef struct pal_lines {
    char *buf;
    size_t start;        /* buf[0..start): lines already handed on, kept until the next pal_lines_space */
    size_t len, cap;     /* buf[start..len): the unfinished line (and held lines) */
    size_t scan;         /* buf[start..scan) has no newline: where the next search starts */
    bool skipping;       /* inside a line over the limit: dropping bytes until its newline */
    bool held;           /* the callback stopped the feed: lines may wait in buf */
    long lineno;         /* lines completed so far */
    /* settings: set after pal_lines_init, kept by pal_lines_free */
    size_t max_line;     /* longest line (0: PAL_MAX_EVENT_LINE) */
    bool deliver_empty;  /* empty lines are handed to the callback too */
    size_t read_size;    /* room wanted for each read (0: 4 KiB, in a buffer of at least 16 KiB) */
} pal_lines;

void pal_lines_init(pal_lines *l);
void pal_lines_free(pal_lines *l);
/* Where to read the next bytes; *avail gets the room (at least 4 KiB, and
   read_size when set).  The lines handed on before are forgotten here.
   NULL when out of memory, or while lines are held. */
char *pal_lines_space(pal_lines *l, size_t *avail);
/* n bytes were read into the space: hands every completed line to fn. */
int pal_lines_commit(pal_lines *l, size_t n, pal_line_fn fn, void *user);
/* Hands on the lines held since the callback stopped a feed (nothing when
   none are held); returns like commit. */
int pal_lines_drain(pal_lines *l, pal_line_fn fn, void *user);
/* End of input: the held lines, then an unfinished last line, which is a
   line too. */
int pal_lines_finish(pal_lines *l, pal_line_fn fn, void *user);
/* Bytes of an unfinished line are held (or one is being skipped), or
   complete lines wait behind a stop. */
bool pal_lines_partial(const pal_lines *l);
/* Gives up an unfinished line (the writer will never end it): its bytes
   are dropped, held lines too, and it counts as a line.  Returns its line
   number, or 0 when no line was begun. */
long pal_lines_abandon(pal_lines *l);
/* The callback stopped a feed and lines may wait: drain before reading. */
bool pal_lines_held(const pal_lines *l);
/* Trades buffers: *buf (with *cap bytes; NULL and 0 for none) becomes the
   splitter's, with the bytes not yet handed on (the unfinished line, held
   lines) copied to its front, and the splitter's old buffer is the
   caller's, every line handed on from it still in place — to free, or to
   give back in a later swap.  Returns 0, or -1 when out of memory
   (nothing is changed). */
int pal_lines_swap_buffer(pal_lines *l, char **buf, size_t *cap);

#endif

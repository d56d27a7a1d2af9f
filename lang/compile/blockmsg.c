/*
 * blockmsg.c — the generated messages of runtime sections and firewalls.
 *
 * The messages of runtime blocks and firewalls are generated, and must
 * name what the event has: a process by its executable, else its name,
 * command line or pid; the container by its image, else its name or id,
 * else the host; a connection's ends by address and, beside it, the image
 * or id of the container there (a firewall matches those first).  A
 * message hole renders `<undefined>` for a missing field, so these
 * messages are built from pieces instead: each piece is literal text, or
 * text shown around the first of its alternatives that is defined, and
 * nothing when none is.  A piece compiles into up to three message parts
 * (before, value, after), each a small chunk that tests the alternatives
 * itself, so a rendering needs nothing but the existing opcodes.
 */
#include <stdio.h>
#include <string.h>
#include "lang/compile/codegen.h"

static int field_index(const char *name)
{
    return pal_schema_find(pal_schema_get(PS_EVENT), name, strlen(name));
}

/* Pushes network.direction == "inbound". */
static void gm_inbound(pal_cc *cc)
{
    cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_index("network.direction")));
    cg_stack(cc, 1);
    cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, 0), "inbound", 7)));
    cg_stack(cc, 1);
    cg_emit(cc, OP_EQ);
    cg_stack(cc, -1);
}


enum { GM_ANY, GM_INBOUND, GM_NOT_INBOUND };

typedef struct gm_alt {
    const char *field;
    int when;               /* GM_*: network.direction inbound or not (undefined is not) */
    const char *if_set;     /* and only when this field is defined */
} gm_alt;

typedef struct gm_piece {
    const char *before, *after;  /* around the value; the text itself for a literal piece */
    gm_alt alt[6];               /* none: a literal piece */
    const char *need[3];         /* shown only when one of these is defined (if any given) */
    const char *unless[3];       /* ... and none of these is */
} gm_piece;

/* Emits a jump taken when field f is undefined (consumes nothing). */
static uint32_t gm_jump_if_undefined(pal_cc *cc, const char *f)
{
    cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_index(f)));
    cg_stack(cc, 1);
    cg_emit(cc, OP_EXISTS);
    uint32_t j = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
    cg_stack(cc, -1);
    return j;
}

/* One chunk of a piece: `what` is 0 for the text before the value, 1 for
   the value, 2 for the text after.  Pushes that, or "" when the piece is
   not shown. */
static void gm_chunk(pal_cc *cc, const gm_piece *pc, int what)
{
    pal_loc nowhere = {0, 0, 0};
    uint32_t to_none[24], nnone = 0, to_end[8], nend = 0;
    if (pc->need[0]) {                       /* one of need[] defined */
        uint32_t ok[3], nok = 0;
        for (int i = 0; i < 3 && pc->need[i]; i++) {
            uint32_t skip = gm_jump_if_undefined(cc, pc->need[i]);
            ok[nok++] = cg_emit_jump(cc, OP_JUMP);
            cg_patch(cc, skip, cg_here(cc), nowhere);
        }
        to_none[nnone++] = cg_emit_jump(cc, OP_JUMP);
        for (uint32_t i = 0; i < nok; i++) cg_patch(cc, ok[i], cg_here(cc), nowhere);
    }
    for (int i = 0; i < 3 && pc->unless[i]; i++) {   /* none of unless[] defined */
        uint32_t undef = gm_jump_if_undefined(cc, pc->unless[i]);
        to_none[nnone++] = cg_emit_jump(cc, OP_JUMP);
        cg_patch(cc, undef, cg_here(cc), nowhere);
    }
    for (int i = 0; i < 6 && pc->alt[i].field; i++) {
        const gm_alt *a = &pc->alt[i];
        uint32_t next[3], nnext = 0;
        if (a->when != GM_ANY) {
            gm_inbound(cc);
            if (a->when == GM_NOT_INBOUND) cg_emit(cc, OP_NOT);
            next[nnext++] = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
            cg_stack(cc, -1);
        }
        if (a->if_set) next[nnext++] = gm_jump_if_undefined(cc, a->if_set);
        next[nnext++] = gm_jump_if_undefined(cc, a->field);
        if (what == 1) {
            cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_index(a->field)));
        } else {
            const char *t = what == 0 ? pc->before : pc->after;
            cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, 0), t, (uint32_t)strlen(t))));
        }
        cg_stack(cc, 1);
        to_end[nend++] = cg_emit_jump(cc, OP_JUMP);
        cg_stack(cc, -1);                       /* the next test starts empty */
        for (uint32_t k = 0; k < nnext; k++) cg_patch(cc, next[k], cg_here(cc), nowhere);
    }
    for (uint32_t k = 0; k < nnone; k++) cg_patch(cc, to_none[k], cg_here(cc), nowhere);
    cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, 0), "", 0)));
    cg_stack(cc, 1);
    for (uint32_t k = 0; k < nend; k++) cg_patch(cc, to_end[k], cg_here(cc), nowhere);
}



/* Adds an outcome whose message is built from pieces (see above); with
   *share filled, the outcome uses those message parts instead (outcomes of
   one rule may share them), else *share gets this one's. */
static uint32_t add_generated_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc label_loc,
                                      const gm_piece *pcs, unsigned npcs, cg_shared_msg *share)
{
    uint32_t rel = cg_add_outcome(cc, ri, effect, severity, label_loc, NULL, "");
    pal_program *p = cc->p;
    if (cc->gen_failed) return rel;
    if (share && share->have) {
        pal_outcome *o = &p->outcomes[p->noutcomes - 1];
        o->msg_first = share->first;
        o->nmsg = share->n;
        return rel;
    }
    for (unsigned i = 0; i < npcs; i++) {
        const gm_piece *pc = &pcs[i];
        for (int what = 0; what < 3; what++) {
            if (!pc->alt[0].field && what > 0) break;
            if (pc->alt[0].field && what != 1 && !(what == 0 ? pc->before : pc->after)) continue;
            if (!GROW(cc, p->msgparts, p->nmsgparts, cc->cap_msgparts)) { cc->gen_failed = true; return rel; }
            pal_msgpart *mp = &p->msgparts[p->nmsgparts++];
            memset(mp, 0, sizeof *mp);
            if (!pc->alt[0].field) {
                mp->s = cg_add_string(cc, pc->before, (uint32_t)strlen(pc->before));
                continue;
            }
            mp->is_expr = 1;
            mp->code = cg_here(cc);
            cc->stack = 0;
            gm_chunk(cc, pc, what);
            cg_emit(cc, OP_HALT);
            mp->code_len = cg_here(cc) - mp->code;
            pal_rule *r = &p->rules[ri];
            if (cc->max_stack > r->max_stack) r->max_stack = (uint16_t)cc->max_stack;
        }
    }
    pal_outcome *o = &p->outcomes[p->noutcomes - 1];
    o->nmsg = p->nmsgparts - o->msg_first;
    if (share) *share = (cg_shared_msg){true, o->msg_first, o->nmsg};
    return rel;
}

#define GM_TEXT(s) ((gm_piece){.before = (s)})
#define GM_ALT(f) {.field = (f)}
#define GM_ALT_IF(f, w, set) {.field = (f), .when = (w), .if_set = (set)}

/* Where a runtime match happened: the container (image, else name or id),
   else the host. */
static unsigned gm_where(gm_piece *out)
{
    out[0] = (gm_piece){.before = " in ",
                        .alt = {GM_ALT("container.image.name"), GM_ALT("container.name"), GM_ALT("container.id")}};
    out[1] = (gm_piece){.before = " on host ", .alt = {GM_ALT("host.name")},
                        .unless = {"container.image.name", "container.name", "container.id"}};
    return 2;
}

/* What a runtime section decided, by section: the subject, the verb, where. */
static unsigned gm_runtime_message(int sec, bool deny, gm_piece *out)
{
    unsigned n = 0;
    switch (sec) {
    case 0:
        out[n++] = GM_TEXT("process");
        out[n++] = (gm_piece){.before = " ", .alt = {GM_ALT("process.executable"), GM_ALT("process.name"),
                                                     GM_ALT("process.command_line"), GM_ALT("process.pid")}};
        break;
    case 1:
        out[n++] = GM_TEXT("connection");
        out[n++] = (gm_piece){.before = " to ", .alt = {GM_ALT("destination.ip"), GM_ALT("destination.domain")}};
        out[n++] = (gm_piece){.before = ":", .alt = {GM_ALT("destination.port")},
                              .need = {"destination.ip", "destination.domain"}};
        out[n++] = (gm_piece){.before = " to port ", .alt = {GM_ALT("destination.port")},
                              .unless = {"destination.ip", "destination.domain"}};
        /* an inbound record that names only its client (a share accessed
           from source.ip: Security 5140/5145) */
        out[n++] = (gm_piece){.before = " from ", .alt = {GM_ALT("source.ip")},
                              .unless = {"destination.ip", "destination.domain", "destination.port"}};
        break;
    case 2:
        out[n++] = GM_TEXT("DNS query");
        out[n++] = (gm_piece){.before = " for ", .alt = {GM_ALT("dns.question.name")}};
        break;
    default:
        out[n++] = GM_TEXT("write");
        out[n++] = (gm_piece){.before = " to ", .alt = {GM_ALT("file.path"), GM_ALT("file.name")}};
        break;
    }
    out[n++] = GM_TEXT(deny ? " denied" : " not allowed");
    return n + gm_where(out + n);
}

/* A firewall's connection: each end by address (the destination's with
   its port) and, in brackets beside it, the container there as the
   firewall's image endpoints see it — the end's own image or id, else the
   event's container for the side it is on (the source unless the event is
   inbound) — or that alone when there is no address. */
static void gm_end_ids(gm_alt *alt, bool source)
{
    if (source) {
        alt[0] = (gm_alt)GM_ALT("source.container.image.name");
        alt[1] = (gm_alt)GM_ALT_IF("container.image.name", GM_NOT_INBOUND, NULL);
        alt[2] = (gm_alt)GM_ALT("source.container.id");
        alt[3] = (gm_alt)GM_ALT_IF("container.id", GM_NOT_INBOUND, NULL);
        alt[4] = (gm_alt)GM_ALT_IF("host.name", GM_NOT_INBOUND, NULL);
    } else {
        alt[0] = (gm_alt)GM_ALT("destination.container.image.name");
        alt[1] = (gm_alt)GM_ALT_IF("container.image.name", GM_INBOUND, NULL);
        alt[2] = (gm_alt)GM_ALT("destination.container.id");
        alt[3] = (gm_alt)GM_ALT_IF("container.id", GM_INBOUND, NULL);
        alt[4] = (gm_alt)GM_ALT_IF("destination.domain", GM_ANY, "destination.ip");   /* the name of the address */
    }
}

static unsigned gm_firewall_message(bool deny, gm_piece *out)
{
    unsigned n = 0;
    out[n++] = GM_TEXT("connection");
    out[n++] = (gm_piece){.before = " ", .alt = {GM_ALT("source.ip")}};
    out[n] = (gm_piece){.before = " (", .after = ")", .need = {"source.ip"}};
    gm_end_ids(out[n++].alt, true);
    out[n] = (gm_piece){.before = " ", .unless = {"source.ip"}};
    gm_end_ids(out[n++].alt, true);
    out[n++] = GM_TEXT(" ->");
    out[n++] = (gm_piece){.before = " ", .alt = {GM_ALT("destination.ip"), GM_ALT("destination.domain")}};
    out[n++] = (gm_piece){.before = ":", .alt = {GM_ALT("destination.port")},
                          .need = {"destination.ip", "destination.domain"}};
    out[n] = (gm_piece){.before = " (", .after = ")", .need = {"destination.ip", "destination.domain"}};
    gm_end_ids(out[n++].alt, false);
    out[n] = (gm_piece){.before = " ", .unless = {"destination.ip", "destination.domain"}};
    gm_end_ids(out[n++].alt, false);
    out[n++] = (gm_piece){.before = " port ", .alt = {GM_ALT("destination.port")},
                          .unless = {"destination.ip", "destination.domain"}};
    out[n++] = GM_TEXT(deny ? " matched firewall entry" : " is not allowed by the firewall");
    return n;
}

uint32_t cg_runtime_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc loc, int section, bool deny,
                            cg_shared_msg *share)
{
    gm_piece msg[16];
    unsigned n = gm_runtime_message(section, deny, msg);
    return add_generated_outcome(cc, ri, effect, severity, loc, msg, n, share);
}

uint32_t cg_firewall_outcome(pal_cc *cc, uint32_t ri, int effect, int severity, pal_loc loc, bool deny,
                             cg_shared_msg *share)
{
    gm_piece msg[16];
    unsigned n = gm_firewall_message(deny, msg);
    return add_generated_outcome(cc, ri, effect, severity, loc, msg, n, share);
}

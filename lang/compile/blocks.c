/*
 * blocks.c — `runtime` and `firewall` blocks, desugared into rules.
 *
 * A runtime block becomes one rule per section (process, network, dns,
 * file): every matching deny EMITs its outcome, and the section's default
 * EMITs when no deny and no allow matched.  A firewall block EMITs the
 * first entry that matches, or its default.  Both test the block's scope
 * first and jump past everything when it does not hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/compile/codegen.h"
#include "engine/core/match.h"

static int field_index(const char *name)
{
    return pal_schema_find(pal_schema_get(PS_EVENT), name, strlen(name));
}

/* Pushes (field matches matcher m). */
static void gen_match_field(pal_cc *cc, const char *field, uint32_t m)
{
    int f = field_index(field);
    if (m <= PAL_MAXARG_A8) {
        cg_emit(cc, PAL_MK_AB(OP_MATCH_FIELD, m, (uint32_t)f));
        cg_stack(cc, 1);
    } else {
        cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f));
        cg_stack(cc, 1);
        cg_emit(cc, PAL_MK_A(OP_MATCH, m));
    }
}

/* Pushes field == string (Windows-aware via the value's flags). */
static void gen_field_eq_str(pal_cc *cc, const char *field, const char *s)
{
    int f = field_index(field);
    cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f));
    cg_stack(cc, 1);
    cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, 0), s, (uint32_t)strlen(s))));
    cg_stack(cc, 1);
    cg_emit(cc, OP_EQ);
    cg_stack(cc, -1);
}

/* Pushes whether the event has the field. */
static void gen_field_exists(pal_cc *cc, const char *field)
{
    cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_index(field)));
    cg_stack(cc, 1);
    cg_emit(cc, OP_EXISTS);
}

/* Combines the two booleans on the stack with or (no short-circuit needed). */
static void gen_or2(pal_cc *cc)
{
    /* a b -> a or b:  NOT a, NOT b, EQ gives (not a == not b); simpler with jumps */
    uint32_t j = 0;
    (void)j;
    /* stack: a b ; compute via: b ? true : a */
    uint32_t nb = cg_emit_jump(cc, OP_JUMP_IF_FALSE);   /* pops b */
    cg_stack(cc, -1);
    cg_emit(cc, OP_POP);
    cg_emit(cc, OP_PUSH_TRUE);
    cg_patch(cc, nb, cg_here(cc), (pal_loc){0, 0, 0});
    cg_emit(cc, OP_TO_BOOL);
}

static void gen_and2(pal_cc *cc)
{
    /* stack: a b -> b ? a : false */
    uint32_t nb = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
    cg_stack(cc, -1);
    uint32_t done = cg_emit_jump(cc, OP_JUMP);
    cg_patch(cc, nb, cg_here(cc), (pal_loc){0, 0, 0});
    cg_emit(cc, OP_POP);
    cg_emit(cc, OP_PUSH_FALSE);
    cg_patch(cc, done, cg_here(cc), (pal_loc){0, 0, 0});
    cg_emit(cc, OP_TO_BOOL);
}

static bool has_sep(const char *s, uint32_t n)
{
    return memchr(s, '/', n) || memchr(s, '\\', n);
}

/* Splits the values of a process, file or dns entry into the groups that
   each become one matcher: 0 executable paths, 1 executable globs, 2 names,
   3 name globs (file and dns entries use 0 and 1 only; dns never globs). */
static void group_name_values(pal_cc *cc, int sec, const pal_cvals *cv, pal_cvals groups[4])
{
    for (uint32_t i = 0; i < cv->n; i++) {
        pal_cval *v = &cv->v[i];
        if (v->kind != CV_STR) {
            pal_cc_error(cc, "PAL0314", v->loc, NULL, "entries of this section are strings");
            continue;
        }
        if (sec == SEC_DNS) {
            const char *err = pal_dns_pattern_error(v->s, v->len);
            if (err) { pal_cc_error(cc, "PAL0409", v->loc, NULL, "invalid domain pattern: %s", err); continue; }
        }
        int g = (sec == SEC_PROCESS && !has_sep(v->s, v->len) ? 2 : 0) +
                (sec != SEC_DNS && pal_glob_has_meta(v->s, v->len) ? 1 : 0);
        pal_cvals *gv = &groups[g];
        if (gv->n == gv->cap) {
            gv->cap = gv->cap ? gv->cap * 2 : 8;
            gv->v = realloc(gv->v, gv->cap * sizeof *gv->v);
            if (!gv->v) { cc->gen_failed = true; break; }
        }
        gv->v[gv->n++] = *v;
    }
}

/* A process, file or dns entry: the or of one match per value group.
   Returns whether it pushed anything. */
static bool gen_name_entry(pal_cc *cc, int sec, pal_entry *e, const pal_cvals *cv)
{
    if (e->target != ENT_VALUES || e->direction != DIR_ANY) {
        pal_cc_error(cc, "PAL0314", e->loc, "ip, port, inbound and outbound belong in a network section",
                 "this entry does not fit a %s section", sec == SEC_PROCESS ? "process" : sec == SEC_FILE ? "file" : "dns");
        return false;
    }
    pal_cvals groups[4] = {{0}};
    group_name_values(cc, sec, cv, groups);
    const char *fields[4];
    if (sec == SEC_PROCESS) { fields[0] = fields[1] = "process.executable"; fields[2] = fields[3] = "process.name"; }
    else if (sec == SEC_FILE) { fields[0] = fields[1] = "file.path"; fields[2] = fields[3] = NULL; }
    else { fields[0] = fields[1] = "dns.question.name"; fields[2] = fields[3] = NULL; }
    bool pushed = false;
    for (int g = 0; g < 4; g++) {
        if (!groups[g].n) continue;
        pal_type lt = {sec == SEC_DNS ? T_DNS : T_PATH, 0, 0};
        uint32_t m = cg_matcher_for(cc, lt, &groups[g], sec == SEC_DNS ? PM_DNSSET : (g & 1) ? PM_GLOBSET : PM_STRSET);
        gen_match_field(cc, fields[g], m);
        if (pushed) gen_or2(cc);
        pushed = true;
        free(groups[g].v);
    }
    return pushed;
}

/* Pushes whether the event goes the entry's direction; no direction given
   in the event matches both. */
static void gen_direction_test(pal_cc *cc, pal_entry *e)
{
    int f = field_index("network.direction");
    cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)f));
    cg_stack(cc, 1);
    cg_emit(cc, OP_EXISTS);
    cg_emit(cc, OP_NOT);
    gen_field_eq_str(cc, "network.direction", e->direction == DIR_OUTBOUND ? "outbound" : "inbound");
    gen_or2(cc);
}

/* The addresses of a network entry are IP addresses or CIDRs. */
static bool check_addresses(pal_cc *cc, const pal_cvals *cv)
{
    for (uint32_t i = 0; i < cv->n; i++)
        if (cv->v[i].kind == CV_INT || cv->v[i].kind == CV_RANGE) {
            pal_cc_error(cc, "PAL0314", cv->v[i].loc, "write `port 4444`", "a number where an address is expected");
            return false;
        } else if (cv->v[i].kind == CV_STR) {
            uint8_t ip[16]; bool v6; unsigned pre; const char *err = NULL;
            if (!pal_cidr_parse(cv->v[i].s, cv->v[i].len, ip, &v6, &pre, &err)) {
                pal_cc_error(cc, "PAL0407", cv->v[i].loc, err, "'%.*s' is not an IP address or CIDR",
                         (int)cv->v[i].len, cv->v[i].s);
                return false;
            }
        }
    return true;
}

/* Pushes whether the remote end of the connection is in matcher m: for an
   entry without a direction, source.ip of inbound events, else
   destination.ip. */
static void gen_address_match(pal_cc *cc, pal_entry *e, uint32_t m)
{
    if (e->direction == DIR_ANY) {
        gen_match_field(cc, "destination.ip", m);
        gen_field_eq_str(cc, "network.direction", "inbound");
        cg_emit(cc, OP_NOT);
        gen_and2(cc);
        gen_match_field(cc, "source.ip", m);
        gen_field_eq_str(cc, "network.direction", "inbound");
        gen_and2(cc);
        gen_or2(cc);
    } else {
        gen_match_field(cc, e->direction == DIR_INBOUND ? "source.ip" : "destination.ip", m);
    }
}

/* Pushes whether destination.port is one of the entry's ports; false
   (nothing pushed) when they are not ports. */
static bool gen_port_match(pal_cc *cc, pal_entry *e, pal_netrule *nr)
{
    pal_cvals pv = {0};
    if (!pal_const_list(cc, e->ports, &pv)) { free(pv.v); return false; }
    for (uint32_t i = 0; i < pv.n; i++)
        if ((pv.v[i].kind != CV_INT && pv.v[i].kind != CV_RANGE) || pv.v[i].lo < 0 || pv.v[i].hi > 65535) {
            pal_cc_error(cc, "PAL0408", pv.v[i].loc, "ports are 0-65535", "invalid port");
            free(pv.v);
            return false;
        }
    pal_type lt = {T_INT, 0, 0};
    uint32_t m = cg_matcher_for(cc, lt, &pv, PM_RANGESET);
    free(pv.v);
    if (nr) nr->port_m = m;
    gen_match_field(cc, "destination.port", m);
    return true;
}

/* A network entry: the and of its direction, addresses and ports (true
   when it names none).  false on an error, with nothing left to use.
   *nr (when given) gets the entry's direction and the matchers of its
   address and ports, for the program's network table. */
static bool gen_network_entry(pal_cc *cc, pal_entry *e, const pal_cvals *cv, pal_netrule *nr)
{
    bool pushed = false;
    if (nr) {
        nr->direction = e->direction == DIR_OUTBOUND ? PND_OUT : e->direction == DIR_INBOUND ? PND_IN : PND_ANY;
        nr->src_kind = nr->dst_kind = PNE_ANY;
        nr->src_m = nr->dst_m = nr->port_m = PAL_NET_NONE;
    }
    if (e->direction != DIR_ANY) {
        gen_direction_test(cc, e);
        pushed = true;
    }
    if (e->values && cv->n) {
        if (!check_addresses(cc, cv)) return false;
        pal_type lt = {T_IP, 0, 0};
        uint32_t m = cg_matcher_for(cc, lt, cv, PM_CIDRSET);
        if (nr) { nr->dst_kind = PNE_CIDR; nr->dst_m = m; }
        gen_address_match(cc, e, m);
        if (pushed) gen_and2(cc);
        pushed = true;
    }
    if (e->ports) {
        if (!gen_port_match(cc, e, nr)) return false;
        if (pushed) gen_and2(cc);
        pushed = true;
    }
    if (!pushed) {
        cg_emit(cc, OP_PUSH_TRUE);
        cg_stack(cc, 1);
    }
    return true;
}

/* Pushes whether the event matches one runtime entry of section sec.  In
   a network section, *nr (when given) is filled for the network table. */
static bool gen_entry(pal_cc *cc, int sec, pal_entry *e, pal_netrule *nr)
{
    pal_cvals cv = {0};
    bool pushed = false;
    if (e->values && !pal_const_list(cc, e->values, &cv)) { free(cv.v); return false; }
    if (sec == SEC_NETWORK) {
        bool ok = gen_network_entry(cc, e, &cv, nr);
        free(cv.v);
        return ok;
    }
    pushed = gen_name_entry(cc, sec, e, &cv);
    free(cv.v);
    if (!pushed && !cc->gen_failed) {
        cg_emit(cc, OP_PUSH_FALSE);
        cg_stack(cc, 1);
        pushed = true;
    }
    return pushed;
}

/* ---- the program's network table (program.h pal_netrule) ---- */

typedef struct net_ctx {
    bool on;                    /* a network section or a firewall block */
    uint32_t rule, scope_code, scope_len;
    pal_netrule cur;            /* filled by gen_entry / gen_endpoint */
} net_ctx;

static _Thread_local net_ctx net;   /* per compile; a compile runs on one thread */
#define NR(e) (net.on ? &net.cur : NULL)

/* The block's scope once more, as a chunk of its own ending in HALT with
   its value: an enforcer evaluates it per container.  Emitted before the
   rule's code, like its message chunks. */
static void net_begin(pal_cc *cc, pal_decl *d, uint32_t ri)
{
    net = (net_ctx){.on = true, .rule = ri};
    if (!d->scope) return;
    net.scope_code = cg_here(cc);
    cc->stack = 0;
    cg_expr(cc, d->scope);
    cg_emit(cc, OP_HALT);
    net.scope_len = cg_here(cc) - net.scope_code;
    pal_rule *r = &cc->p->rules[ri];
    if (cc->max_stack > r->max_stack) r->max_stack = (uint16_t)cc->max_stack;
}

/* Appends net.cur as an entry of the current block. */
static void net_add(pal_cc *cc, int action, int effect, uint32_t outcome)
{
    pal_program *p = cc->p;
    if (!net.on || cc->gen_failed) return;
    if (!GROW(cc, p->netrules, p->nnetrules, cc->cap_netrules)) { cc->gen_failed = true; return; }
    pal_netrule *n = &p->netrules[p->nnetrules++];
    *n = net.cur;
    n->rule = net.rule;
    n->action = (uint8_t)action;
    n->effect = (uint8_t)effect;
    n->outcome = outcome;
    n->scope_code = net.scope_code;
    n->scope_len = net.scope_len;
}

static void net_any(void)
{
    net.cur = (pal_netrule){.src_m = PAL_NET_NONE, .dst_m = PAL_NET_NONE, .port_m = PAL_NET_NONE};
}

void cg_runtime(pal_cc *cc, pal_decl *d)
{
    cg_check_attrs(cc, d);
    bool any = false;
    for (int sec = 0; sec < SEC__COUNT; sec++) {
        pal_section *s = &d->sections[sec];
        if (!s->present) continue;
        any = true;
        pal_rule_context(cc, d, PS_EVENT, pal_section_kind(sec));
        if (d->scope && !pal_check_cond(cc, d->scope)) return;
        int sev = cg_severity_of(cc, d, SEV_MEDIUM);
        uint32_t ri = cg_begin_rule(cc, d, PR_RUNTIME, PS_EVENT, pal_section_kind(sec));
        /* outcomes: one per deny, then the default */
        uint32_t ndeny = 0, nallow = 0;
        cg_shared_msg denied = {0};
        for (pal_entry *e = s->entries; e; e = e->next) {
            if (e->allow) { nallow++; continue; }
            cg_runtime_outcome(cc, ri, e->effect ? e->effect : PE_ALERT, sev, e->loc, sec, true, &denied);
            ndeny++;
        }
        uint32_t dflt_out = 0;
        if (s->default_effect)
            dflt_out = cg_runtime_outcome(cc, ri, s->default_effect, sev, s->default_loc, sec, false, NULL);
        net.on = false;
        if (sec == SEC_NETWORK) net_begin(cc, d, ri);
        uint32_t ofirst = cc->p->rules[ri].outcome_first;
        cg_start_code(cc, ri);
        pal_loc loc = s->loc;
        uint32_t out_scope = 0;
        bool scoped = d->scope != NULL;
        if (scoped) {
            cg_expr(cc, d->scope);
            out_scope = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
            cg_stack(cc, -1);
        }
        /* A process section decides launches: a process event whose
           event.type does not hold "start" (an exit, a process access, a WMI
           or script-block record: SPEC 15) is not one to allow or deny.  An
           event without event.type counts as a start.  A file section
           decides file events whose event.category holds "file" (or that have
           none): a Windows Defender detection is of kind file, so that
           policies and Sigma see it, but it is no write and has no file.path
           for an allow entry to pass, so the default would decide them all. */
        uint32_t out_start = 0;
        bool gated = sec == SEC_PROCESS || sec == SEC_FILE || sec == SEC_NETWORK;
        if (sec == SEC_NETWORK) {
            /* A network section decides connections: events that carry the
               address its entries test — the remote end, source.ip of an
               inbound event, else destination.ip — or destination.port.  A
               BITS job or an SMB client failure (kind network, no address)
               is no connection to allow or deny, as Falco's network rules
               see only connect/accept events with fd fields; without this
               the default decided each one ("connection not allowed"). */
            gen_field_exists(cc, "destination.ip");
            gen_field_eq_str(cc, "network.direction", "inbound");
            cg_emit(cc, OP_NOT);
            gen_and2(cc);
            gen_field_exists(cc, "source.ip");
            gen_field_eq_str(cc, "network.direction", "inbound");
            gen_and2(cc);
            gen_or2(cc);
            gen_field_exists(cc, "destination.port");
            gen_or2(cc);
            out_start = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
            cg_stack(cc, -1);
        } else if (gated) {
            const char *gate_field = sec == SEC_PROCESS ? "event.type" : "event.category";
            const char *gate_value = sec == SEC_PROCESS ? "start" : "file";
            uint32_t ft = (uint32_t)field_index(gate_field);
            cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, ft));
            cg_stack(cc, 1);
            cg_emit(cc, OP_EXISTS);
            cg_emit(cc, OP_NOT);
            uint32_t no_type = cg_emit_jump(cc, OP_OR_JUMP);
            cg_stack(cc, -1);
            cg_emit(cc, PAL_MK_A(OP_PUSH_CONST, cg_add_const(cc, pal_string(NULL, 0, 0), gate_value, strlen(gate_value))));
            cg_stack(cc, 1);
            cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, ft));
            cg_stack(cc, 1);
            cg_emit(cc, OP_IN_LIST);
            cg_stack(cc, -1);
            cg_emit(cc, OP_TO_BOOL);
            cg_patch(cc, no_type, cg_here(cc), loc);
            out_start = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
            cg_stack(cc, -1);
        }
        /* a flag in local 0: some deny matched */
        int flag = cc->nlocals;
        cc->nlocals += 1;
        cg_emit(cc, OP_PUSH_FALSE);
        cg_stack(cc, 1);
        cg_emit(cc, PAL_MK_A(OP_STORE_LOCAL, (uint32_t)flag));
        cg_stack(cc, -1);
        uint32_t oi = 0;
        for (pal_entry *e = s->entries; e; e = e->next) {
            if (e->allow) continue;
            net_any();
            if (!gen_entry(cc, sec, e, NR(e))) { oi++; continue; }
            net_add(cc, PNA_DENY, e->effect ? e->effect : PE_ALERT, ofirst + oi);
            uint32_t skip = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
            cg_stack(cc, -1);
            cg_emit(cc, PAL_MK_A(OP_EMIT, oi));
            cg_emit(cc, OP_PUSH_TRUE);
            cg_stack(cc, 1);
            cg_emit(cc, PAL_MK_A(OP_STORE_LOCAL, (uint32_t)flag));
            cg_stack(cc, -1);
            cg_patch(cc, skip, cg_here(cc), e->loc);
            oi++;
        }
        if (s->default_effect) {
            cg_emit(cc, PAL_MK_A(OP_LOAD_LOCAL, (uint32_t)flag));
            cg_stack(cc, 1);
            uint32_t denied = cg_emit_jump(cc, OP_OR_JUMP);
            cg_stack(cc, -1);
            bool first = true;
            for (pal_entry *e = s->entries; e; e = e->next) {
                if (!e->allow) continue;
                net_any();
                if (!gen_entry(cc, sec, e, NR(e))) continue;
                net_add(cc, PNA_ALLOW, PE_ALLOW, PAL_NET_NONE);
                if (!first) gen_or2(cc);
                first = false;
            }
            if (first) { cg_emit(cc, OP_PUSH_FALSE); cg_stack(cc, 1); }
            cg_patch(cc, denied, cg_here(cc), loc);
            /* true = denied or allowed: no default */
            uint32_t skip = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
            cg_stack(cc, -1);
            uint32_t over = cg_emit_jump(cc, OP_JUMP);
            cg_patch(cc, skip, cg_here(cc), loc);
            cg_emit(cc, PAL_MK_A(OP_EMIT, dflt_out));
            cg_patch(cc, over, cg_here(cc), loc);
            net_any();
            net_add(cc, PNA_DEFAULT, s->default_effect, ofirst + dflt_out);
        } else {
            /* no default: allow entries generate nothing, but are checked */
            for (pal_entry *e = s->entries; e; e = e->next) {
                if (!e->allow) continue;
                uint32_t mark = cg_here(cc);
                int st = cc->stack;
                net_any();
                if (gen_entry(cc, sec, e, NR(e))) net_add(cc, PNA_ALLOW, PE_ALLOW, PAL_NET_NONE);
                cc->p->ncode = mark;
                cc->stack = st;
            }
        }
        if (!s->default_effect && nallow && !ndeny) {
            pal_cc_warn(cc, "PAL0204", s->loc, "add `default effect alert` (or prevent) to act on everything else",
                    "this %s section allows entries but has no default, so it never reports anything", pal_section_name(sec));
        }
        if (scoped) cg_patch(cc, out_scope, cg_here(cc), loc);
        if (gated) cg_patch(cc, out_start, cg_here(cc), loc);
        cg_end_rule(cc, ri);
        net.on = false;
    }
    if (!any)
        pal_cc_warn(cc, "PAL0204", d->name_loc, "add a process, network, dns or file section", "runtime '%s' has no sections", d->name);
}

/* Records what one side of a firewall entry is, for the network table. */
static void net_endpoint(bool from, int kind, uint32_t m)
{
    if (from) { net.cur.src_kind = (uint8_t)kind; net.cur.src_m = m; }
    else { net.cur.dst_kind = (uint8_t)kind; net.cur.dst_m = m; }
}

/* Pushes whether one side of a firewall entry matches. */
static void gen_endpoint(pal_cc *cc, pal_endpoint *ep, bool from)
{
    switch (ep->kind) {
    case EP_ANY:
        cg_emit(cc, OP_PUSH_TRUE);
        cg_stack(cc, 1);
        return;
    case EP_IMAGE: {
        pal_cvals cv = {0};
        pal_cvals one = {&(pal_cval){CV_STR, 0, 0, ep->value->text, ep->value->len, 0, 0, {0}, ep->value->loc}, 1, 1, true};
        (void)cv;
        pal_type lt = {T_STRING, 0, 0};
        uint32_t m = cg_matcher_for(cc, lt, &one, PM_GLOBSET);
        net_endpoint(from, PNE_IMAGE, m);
        const char *peer = from ? "source.container.image.name" : "destination.container.image.name";
        /* peer identity when known; otherwise the event's own container,
           which is the source of outbound and the destination of inbound traffic */
        gen_match_field(cc, peer, m);
        cg_emit(cc, PAL_MK_A(OP_LOAD_FIELD, (uint32_t)field_index(peer)));
        cg_stack(cc, 1);
        cg_emit(cc, OP_EXISTS);
        cg_emit(cc, OP_NOT);
        gen_field_eq_str(cc, "network.direction", "inbound");
        if (from) cg_emit(cc, OP_NOT);
        gen_and2(cc);
        gen_match_field(cc, "container.image.name", m);
        gen_and2(cc);
        gen_or2(cc);
        return;
    }
    case EP_SUBNET: {
        pal_node *v = ep->value;
        uint8_t ip[16]; bool v6 = v->v6; unsigned prefix = v->prefix; const char *err = NULL;
        memcpy(ip, v->ip, 16);
        if (v->kind == N_STR && !pal_cidr_parse(v->text, v->len, ip, &v6, &prefix, &err)) {
            pal_cc_error(cc, "PAL0407", v->loc, err, "'%.*s' is not a subnet", (int)v->len, v->text);
            cg_emit(cc, OP_PUSH_FALSE);
            cg_stack(cc, 1);
            return;
        }
        uint32_t m = cg_new_matcher(cc, PM_CIDRSET, 0);
        pal_mitem *it = cg_new_mitem(cc, m);
        if (it) { memcpy(it->ip, ip, 16); it->v6 = v6; it->prefix = (uint8_t)prefix; }
        net_endpoint(from, PNE_CIDR, m);
        gen_match_field(cc, from ? "source.ip" : "destination.ip", m);
        return;
    }
    case EP_HOST:
        net_endpoint(from, PNE_NAME, PAL_NET_NONE);
        if (from) {
            gen_field_eq_str(cc, "host.name", ep->value->text);
        } else {
            pal_cvals one = {&(pal_cval){CV_STR, 0, 0, ep->value->text, ep->value->len, 0, 0, {0}, ep->value->loc}, 1, 1, true};
            pal_type lt = {T_DNS, 0, 0};
            gen_match_field(cc, "destination.domain", cg_matcher_for(cc, lt, &one, PM_STRSET));
        }
        return;
    case EP_DNS: {
        net_endpoint(from, PNE_NAME, PAL_NET_NONE);
        if (from) pal_cc_error(cc, "PAL0314", ep->loc, "use `from host \"name\"` or `from subnet`", "a DNS name is a destination only");
        const char *err = pal_dns_pattern_error(ep->value->text, ep->value->len);
        if (err) pal_cc_error(cc, "PAL0409", ep->value->loc, NULL, "invalid domain pattern: %s", err);
        pal_cvals one = {&(pal_cval){CV_STR, 0, 0, ep->value->text, ep->value->len, 0, 0, {0}, ep->value->loc}, 1, 1, true};
        pal_type lt = {T_DNS, 0, 0};
        gen_match_field(cc, "destination.domain", cg_matcher_for(cc, lt, &one, PM_DNSSET));
        return;
    }
    }
}

void cg_firewall(pal_cc *cc, pal_decl *d)
{
    cg_check_attrs(cc, d);
    pal_rule_context(cc, d, PS_EVENT, PK_NETWORK);
    if (d->scope && !pal_check_cond(cc, d->scope)) return;
    int sev = cg_severity_of(cc, d, SEV_MEDIUM);
    uint32_t ri = cg_begin_rule(cc, d, PR_FIREWALL, PS_EVENT, PK_NETWORK);
    uint32_t n = 0;
    cg_shared_msg matched = {0};
    for (pal_fwentry *e = d->fw; e; e = e->next, n++) {
        if (e->allow)   /* never reported: no message */
            cg_add_outcome(cc, ri, PE_ALLOW, sev, e->loc, NULL, "");
        else
            cg_firewall_outcome(cc, ri, e->effect ? e->effect : PE_ALERT, sev, e->loc, true, &matched);
    }
    uint32_t dflt = 0;
    if (d->default_effect)
        dflt = cg_firewall_outcome(cc, ri, d->default_effect, sev, d->default_loc, false, NULL);
    net_begin(cc, d, ri);
    uint32_t ofirst = cc->p->rules[ri].outcome_first;
    cg_start_code(cc, ri);
    uint32_t ends[1024];
    uint32_t nends = 0;
    uint32_t out_scope = 0;
    if (d->scope) {
        cg_expr(cc, d->scope);
        out_scope = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
        cg_stack(cc, -1);
    }
    /* As a runtime network section, a firewall decides connections: events
       with an end it can name — an address, the destination's name or
       port, a container at either end.  A BITS job or an SMB client failure
       (kind network, no address) is none; without this the default decided
       each ("connection -> is not allowed by the firewall"). */
    static const char *const ends_named[] = {"source.ip", "destination.ip", "destination.domain", "destination.port",
                                             "source.container.image.name", "destination.container.image.name"};
    for (size_t k = 0; k < sizeof ends_named / sizeof ends_named[0]; k++) {
        gen_field_exists(cc, ends_named[k]);
        if (k) gen_or2(cc);
    }
    uint32_t out_unnamed = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
    cg_stack(cc, -1);
    uint32_t oi = 0;
    for (pal_fwentry *e = d->fw; e; e = e->next, oi++) {
        net_any();
        net.cur.proto = e->proto == PROTO_TCP ? PNP_TCP : e->proto == PROTO_UDP ? PNP_UDP : PNP_ANY;
        gen_endpoint(cc, &e->from, true);
        gen_endpoint(cc, &e->to, false);
        gen_and2(cc);
        if (e->proto != PROTO_ANY) {
            gen_field_eq_str(cc, "network.transport", e->proto == PROTO_TCP ? "tcp" : "udp");
            gen_and2(cc);
        }
        if (e->ports) {
            pal_cvals pv = {0};
            bool ports_ok = pal_const_list(cc, e->ports, &pv);
            for (uint32_t i = 0; ports_ok && i < pv.n; i++)
                if (pv.v[i].lo < 0 || pv.v[i].hi > 65535) {
                    pal_cc_error(cc, "PAL0408", pv.v[i].loc, "ports are 0-65535", "invalid port");
                    ports_ok = false;
                }
            if (ports_ok) {
                pal_type lt = {T_INT, 0, 0};
                net.cur.port_m = cg_matcher_for(cc, lt, &pv, PM_RANGESET);
                gen_match_field(cc, "destination.port", net.cur.port_m);
                gen_and2(cc);
            }
            free(pv.v);
        }
        net_add(cc, e->allow ? PNA_ALLOW : PNA_DENY, e->allow ? PE_ALLOW : e->effect ? e->effect : PE_ALERT, ofirst + oi);
        uint32_t skip = cg_emit_jump(cc, OP_JUMP_IF_FALSE);
        cg_stack(cc, -1);
        cg_emit(cc, PAL_MK_A(OP_EMIT, oi));
        if (nends < 1024) ends[nends++] = cg_emit_jump(cc, OP_JUMP);
        else { pal_cc_error(cc, "PAL0502", e->loc, NULL, "more than 1024 firewall entries in one block"); break; }
        cg_patch(cc, skip, cg_here(cc), e->loc);
    }
    if (d->default_effect) {
        cg_emit(cc, PAL_MK_A(OP_EMIT, dflt));
        net_any();
        net_add(cc, PNA_DEFAULT, d->default_effect, ofirst + dflt);
    }
    net.on = false;
    for (uint32_t i = 0; i < nends; i++) cg_patch(cc, ends[i], cg_here(cc), d->loc);
    cg_patch(cc, out_unnamed, cg_here(cc), d->loc);
    if (d->scope) cg_patch(cc, out_scope, cg_here(cc), d->loc);
    cg_end_rule(cc, ri);
}

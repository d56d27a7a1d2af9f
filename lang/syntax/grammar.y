/*
 * grammar.y — the palisade grammar (the EBNF in lang/SPEC.md mirrors it).
 *
 * A pure, reentrant parser with byte-offset locations.  Every token has a
 * human name, so a message reads "unexpected string, expected '{'" and
 * never shows a token enum.  Error recovery is at declaration boundaries
 * (`decl: error`): the parser skips to the next top-level keyword, and
 * bison's three-token rule keeps one mistake from producing a cascade.
 * Nodes are arena-allocated, so no symbol needs a %destructor.  Every
 * generated name carries the pal_yy prefix (the scanner's too), so the
 * library can be linked beside another flex/bison parser.
 */
%require "3.8"
%define api.pure full
%define api.prefix {pal_yy}
%define parse.error custom
%define api.location.type {pal_loc}
%locations
%expect 0
%param {void *scanner}
%parse-param {pal_parser *P}

%code requires {
#include "lang/syntax/parser.h"
#include "engine/vm/program.h"
}

%code provides {
int pal_yylex(PAL_YYSTYPE *yylval, PAL_YYLTYPE *yylloc, void *scanner);
}

%code {
#include <string.h>
#include <stdlib.h>
#include "engine/core/schema.h"
#include "engine/base/limits.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N) do {                         \
    if (N) { (Cur).file = YYRHSLOC(Rhs, 1).file;                  \
             (Cur).begin = YYRHSLOC(Rhs, 1).begin;                \
             (Cur).end = YYRHSLOC(Rhs, N).end; }                  \
    else   { (Cur).file = YYRHSLOC(Rhs, 0).file;                  \
             (Cur).begin = (Cur).end = YYRHSLOC(Rhs, 0).end; }    \
} while (0)
#define YYMAXDEPTH 4000

static void yyerror(YYLTYPE *loc, void *scanner, pal_parser *P, const char *msg);
static pal_node *node(pal_parser *P, int kind, pal_loc loc);
static pal_node *binary(pal_parser *P, int kind, pal_loc loc, pal_node *a, pal_node *b);
static pal_node *compare(pal_parser *P, int kind, pal_loc loc, pal_node *a, pal_node *b, int nocase);
static pal_node *list_add(pal_parser *P, pal_node *list, pal_node *item);
static pal_attr *attr(pal_parser *P, const char *key, pal_loc loc, pal_node *v);
static pal_decl *decl(pal_parser *P, int kind, pal_loc loc);
static void add_decl(pal_parser *P, pal_decl *d);
static void rule_item(pal_parser *P, pal_decl *d, pal_attr *a);
static int effect_of(pal_parser *P, const char *name, pal_loc loc, bool allow_ok);
static void not_an_effect(pal_parser *P, pal_loc loc);
static pal_node *str_node(pal_parser *P, const char *s, uint32_t len, pal_loc loc);
static pal_node *name_node(pal_parser *P, const char *s, uint32_t len, pal_loc loc);
static pal_node *ip_node(pal_parser *P, const uint8_t ip[16], unsigned prefix, bool has_prefix, pal_loc loc);
static pal_node *range_node(pal_parser *P, int64_t lo, int64_t hi, pal_loc loc);
static void section_add(pal_parser *P, pal_section *s, pal_entry *e);
static void seq_add_step(pal_parser *P, pal_decl *d, pal_step *st);
static void count_clause(pal_parser *P, pal_decl *d, pal_loc loc, int kind, pal_node *distinct, int gt, int64_t n,
                         pal_loc nloc, pal_node *by, int64_t within, pal_loc wloc);
}

%union {
    struct { const char *s; uint32_t len; } str;
    int64_t num;
    struct { uint8_t ip[16]; uint8_t prefix; bool has_prefix; } ip;
    pal_node *node;
    pal_attr *attr;
    pal_decl *decl;
    pal_entry *entry;
    pal_section *section;
    pal_fwentry *fw;
    pal_endpoint ep;
    pal_given *given;
    pal_step *step;
    int ival;
}

%token END 0 "end of file"
%token <str> NAME "name" STRING "string"
%token <num> INT "integer"
%token <ip> IPLIT "IP address"
%token PACKAGE "package" IMPORT "import" AS "as" LIST "list" MACRO "macro"
%token CHECK "check" RULE "rule" RUNTIME "runtime" FIREWALL "firewall" TEST "test"
%token FAIL "fail" WHEN "when" ON "on" EFFECT "effect" SCOPE "scope"
%token PROCESS "process" NETWORK "network" DNS "dns" FILE_KW "file"
%token ALLOW "allow" DENY "deny" DEFAULT "default"
%token AND "and" OR "or" NOT "not" IN "in" LIKE "like" MATCHES "matches"
%token CONTAINS "contains" STARTSWITH "startswith" ENDSWITH "endswith" NOCASE "nocase"
%token ANY "any" ALL "all" COUNT "count" TRUE "true" FALSE "false"
%token GIVEN "given" EXPECT "expect" BY "by" FROM "from" TO "to"
%token IMAGE "image" SUBNET "subnet" HOST "host" OUTBOUND "outbound" INBOUND "inbound"
%token IP "ip" PORT "port" TCP "tcp" UDP "udp"
%token SEQUENCE "sequence" STEP "step" WITHIN "within" UNTIL "until" DISTINCT "distinct" UNORDERED "unordered"
%token EQ "==" NE "!=" LT "<" LE "<=" GT ">" GE ">=" DOTDOT ".."
%token '{' "'{'" '}' "'}'" '(' "'('" ')' "')'" '[' "'['" ']' "']'"
%token ',' "','" ':' "':'" '=' "'='" '+' "'+'" '-' "'-'" '*' "'*'" '/' "'/'" '%' "'%'"

%type <node> expr or_expr and_expr not_expr quant cmp_expr add_expr mul_expr unary primary
%type <node> literals literal_list items item_list item attr_value kvs kv literal values value ports port fw_ports fw_port_list fw_port
%type <attr> attr
%type <decl> check_body rule_body runtime_body firewall_body test_body seq_body
%type <step> step_body
%type <node> field_names
%type <ival> count_cmp
%type <entry> entry
%type <ep> endpoint
%type <given> given_group given_groups test_event test_events
%type <num> at_time
%type <str> effect_word expect_word pkg_name keyword_key
%type <ival> effect_opt direction proto section_kw kinds kind nocase_opt

%precedence QUANT
%precedence OR
%precedence AND

%%

file
    : preamble decls
    ;

preamble
    : %empty
    | PACKAGE pkg_name           { P->out->package = $2.s; P->out->package_loc = @2; }
    | PACKAGE pkg_name imports   { P->out->package = $2.s; P->out->package_loc = @2; }
    | imports
    ;

/* a one-word package may be a keyword: `package runtime` */
pkg_name
    : NAME
    | RUNTIME                    { $$.s = "runtime"; $$.len = 7; }
    | FIREWALL                   { $$.s = "firewall"; $$.len = 8; }
    | CHECK                      { $$.s = "check"; $$.len = 5; }
    | RULE                       { $$.s = "rule"; $$.len = 4; }
    | TEST                       { $$.s = "test"; $$.len = 4; }
    | PROCESS                    { $$.s = "process"; $$.len = 7; }
    | NETWORK                    { $$.s = "network"; $$.len = 7; }
    | DNS                        { $$.s = "dns"; $$.len = 3; }
    | FILE_KW                    { $$.s = "file"; $$.len = 4; }
    | IMAGE                      { $$.s = "image"; $$.len = 5; }
    | HOST                       { $$.s = "host"; $$.len = 4; }
    ;

imports
    : import
    | imports import
    ;

import
    : IMPORT STRING              {
          pal_import *im = pal_arena_alloc(P->arena, sizeof *im);
          im->path = $2.s; im->loc = @2;
          const char *slash = strrchr($2.s, '/');
          im->alias = slash ? slash + 1 : $2.s;
          pal_import **pp = &P->out->imports; while (*pp) pp = &(*pp)->next; *pp = im;
      }
    | IMPORT STRING AS NAME      {
          pal_import *im = pal_arena_alloc(P->arena, sizeof *im);
          im->path = $2.s; im->loc = @2; im->alias = $4.s;
          pal_import **pp = &P->out->imports; while (*pp) pp = &(*pp)->next; *pp = im;
      }
    ;

decls
    : %empty
    | decls decl
    ;

decl
    : LIST NAME '=' expr         { pal_decl *d = decl(P, D_LIST, @1); d->name = $2.s; d->name_loc = @2; d->expr = $4; add_decl(P, d); }
    | MACRO NAME '=' expr        { pal_decl *d = decl(P, D_MACRO, @1); d->name = $2.s; d->name_loc = @2; d->expr = $4; add_decl(P, d); }
    | CHECK STRING '{' check_body '}'     { $4->kind = D_CHECK; $4->loc = @1; $4->name = $2.s; $4->name_loc = @2; add_decl(P, $4); }
    | RULE STRING '{' rule_body '}'       { $4->kind = D_RULE; $4->loc = @1; $4->name = $2.s; $4->name_loc = @2; add_decl(P, $4); }
    | RUNTIME STRING '{' runtime_body '}' { $4->kind = D_RUNTIME; $4->loc = @1; $4->name = $2.s; $4->name_loc = @2; add_decl(P, $4); }
    | FIREWALL STRING '{' firewall_body '}' { $4->kind = D_FIREWALL; $4->loc = @1; $4->name = $2.s; $4->name_loc = @2; add_decl(P, $4); }
    | TEST STRING '{' test_body '}'       { $4->kind = D_TEST; $4->loc = @1; $4->name = $2.s; $4->name_loc = @2; add_decl(P, $4); }
    | SEQUENCE STRING '{' seq_body '}'    { $4->kind = D_SEQUENCE; $4->loc = @1; $4->name = $2.s; $4->name_loc = @2; add_decl(P, $4); }
    /* Recovery drops the half-read declaration.  Nothing of it reaches the
       tree (its actions never ran), but the runtime section being read
       lives in P->section until its '}': clear it, or the next section
       inherits its entries and default ("a section has one default"). */
    | error                      { memset(&P->section, 0, sizeof P->section); }
    ;

/* ---- check ---- */
check_body
    : %empty                     { $$ = decl(P, D_CHECK, @$); }
    | check_body FAIL WHEN expr  {
          $$ = $1;
          if ($$->expr) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "combine the conditions with 'or'",
                                        "a check has one 'fail when' condition");
          else { $$->expr = $4; $$->expr_kw_loc = @2; }
      }
    | check_body attr            { $$ = $1; rule_item(P, $$, $2); }
    ;

/* ---- rule ---- */
rule_body
    : %empty                     { $$ = decl(P, D_RULE, @$); }
    | rule_body ON kinds         {
          $$ = $1;
          if ($$->has_kinds) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "list every kind in one 'on'",
                                             "a rule has one 'on' clause");
          $$->kinds |= (unsigned)$3; $$->has_kinds = true; $$->kinds_loc = @3;
      }
    | rule_body WHEN expr        {
          $$ = $1;
          if ($$->expr) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "combine the conditions with 'and' or 'or'",
                                        "a rule has one 'when' condition");
          else { $$->expr = $3; $$->expr_kw_loc = @2; }
      }
    | rule_body EFFECT effect_word {
          $$ = $1;
          if (!strcmp($3.s, "deny")) not_an_effect(P, @3);   /* the generator checks the rest */
          else rule_item(P, $$, attr(P, "effect", @2, name_node(P, $3.s, $3.len, @3)));
      }
    | rule_body attr             { $$ = $1; rule_item(P, $$, $2); }
    /* a counting rule: `count >= 20 by user.name within 5m` */
    | rule_body COUNT count_cmp INT WITHIN INT {
          $$ = $1; count_clause(P, $$, @2, CNT_EVENTS, NULL, $3, $4, @4, NULL, $6, @6);
      }
    | rule_body COUNT count_cmp INT BY field_names WITHIN INT {
          $$ = $1; count_clause(P, $$, @2, CNT_EVENTS, NULL, $3, $4, @4, $6, $8, @8);
      }
    | rule_body COUNT DISTINCT NAME count_cmp INT WITHIN INT {
          $$ = $1; count_clause(P, $$, @2, CNT_DISTINCT, name_node(P, $4.s, $4.len, @4), $5, $6, @6, NULL, $8, @8);
      }
    | rule_body COUNT DISTINCT NAME count_cmp INT BY field_names WITHIN INT {
          $$ = $1; count_clause(P, $$, @2, CNT_DISTINCT, name_node(P, $4.s, $4.len, @4), $5, $6, @6, $8, $10, @10);
      }
    ;

count_cmp
    : GE                         { $$ = 0; }
    | GT                         { $$ = 1; }
    ;

field_names
    : NAME                       { $$ = list_add(P, node(P, N_LIST, @1), name_node(P, $1.s, $1.len, @1)); }
    | field_names ',' NAME       { $$ = list_add(P, $1, name_node(P, $3.s, $3.len, @3)); }
    ;

/* ---- sequence ---- */
seq_body
    : %empty                     { $$ = decl(P, D_SEQUENCE, @$); }
    | seq_body BY field_names    {
          $$ = $1;
          if ($$->by) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "list every field in one 'by'",
                                      "a sequence has one 'by' clause");
          else { $$->by = $3; $$->by_loc = @3; }
      }
    | seq_body WITHIN INT        {
          $$ = $1;
          if ($$->has_within) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "keep one window",
                                              "a sequence has one 'within' clause");
          else { $$->within = $3; $$->within_loc = @3; $$->has_within = true; }
      }
    | seq_body UNORDERED         {
          $$ = $1;
          if ($$->unordered) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, NULL, "'unordered' is given twice");
          $$->unordered = true; $$->unordered_loc = @2;
      }
    | seq_body STEP '{' step_body '}' { $$ = $1; $4->loc = @2; seq_add_step(P, $$, $4); }
    | seq_body STEP NAME '{' step_body '}' {
          $$ = $1; $5->loc = @2; $5->name = $3.s; $5->name_loc = @3; seq_add_step(P, $$, $5);
      }
    | seq_body UNTIL '{' step_body '}' {
          $$ = $1; $4->loc = @2;
          if ($$->until) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "combine the conditions with 'or'",
                                         "a sequence has one 'until'");
          else $$->until = $4;
      }
    | seq_body EFFECT effect_word {
          $$ = $1;
          if (!strcmp($3.s, "deny")) not_an_effect(P, @3);
          else rule_item(P, $$, attr(P, "effect", @2, name_node(P, $3.s, $3.len, @3)));
      }
    | seq_body attr              { $$ = $1; rule_item(P, $$, $2); }
    ;

step_body
    : %empty                     { $$ = pal_arena_alloc(P->arena, sizeof *$$); if (!$$) longjmp(P->fatal, 1); }
    | step_body ON kinds         {
          $$ = $1;
          if ($$->has_kinds) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "list every kind in one 'on'",
                                             "a step has one 'on' clause");
          $$->kinds |= (unsigned)$3; $$->has_kinds = true; $$->kinds_loc = @3;
      }
    | step_body WHEN expr        {
          $$ = $1;
          if ($$->expr) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "combine the conditions with 'and' or 'or'",
                                        "a step has one 'when' condition");
          else { $$->expr = $3; $$->expr_kw_loc = @2; }
      }
    | step_body BY field_names   {
          $$ = $1;
          if ($$->by) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "list every field in one 'by'",
                                      "a step has one 'by' clause");
          else { $$->by = $3; $$->by_loc = @3; }
      }
    ;

kinds
    : kind                       { $$ = $1; }
    | kinds ',' kind             { $$ = $1 | $3; }
    ;

/* The kinds with runtime sections are keywords; the others (registry,
   library, authentication, configuration) are names, so adding a kind
   reserves no word. */
kind
    : section_kw                 { $$ = 1 << $1; }
    | NAME                       {
          $$ = pal_kind_from_name($1.s, $1.len);
          if (!$$) {
              /* a near miss of a kind name gets "did you mean" */
              const char *near = NULL;
              unsigned best = 3;
              for (unsigned k = 1; k <= PK_CONFIG; k <<= 1) {
                  const char *kn = pal_kind_name(k);
                  unsigned dist = pal_edit_distance($1.s, $1.len, kn, strlen(kn));
                  if (dist < best) { best = dist; near = kn; }
              }
              char hint[96];
              if (near) snprintf(hint, sizeof hint, "did you mean '%s'?", near);
              else snprintf(hint, sizeof hint, "the kinds are process, network, dns, file, registry, library, "
                            "authentication and configuration");
              pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0201", @1, hint, "'%.*s' is not an event kind",
                              (int)$1.len, $1.s);
          }
      }
    ;

/* ---- runtime ---- */
runtime_body
    : %empty                     { $$ = decl(P, D_RUNTIME, @$); }
    | runtime_body SCOPE expr    {
          $$ = $1;
          if ($$->scope) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "combine the scopes with 'or'",
                                         "a runtime block has one scope");
          else $$->scope = $3;
      }
    | runtime_body section_kw '{' section_items '}' {
          $$ = $1;
          pal_section *s = &$$->sections[$2];
          if (s->present) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, "merge the two sections",
                                          "a second %s section in one runtime block", pal_section_name($2));
          else {
              *s = P->section;
              s->present = true;
              s->loc = @2;
          }
          memset(&P->section, 0, sizeof P->section);
      }
    | runtime_body attr          { $$ = $1; rule_item(P, $$, $2); }
    ;

section_kw
    : PROCESS                    { $$ = SEC_PROCESS; }
    | NETWORK                    { $$ = SEC_NETWORK; }
    | DNS                        { $$ = SEC_DNS; }
    | FILE_KW                    { $$ = SEC_FILE; }
    ;

section_items
    : %empty
    | section_items entry        { section_add(P, &P->section, $2); }
    | section_items DEFAULT EFFECT effect_word {
          if (P->section.default_effect)
              pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, NULL, "a section has one default");
          P->section.default_effect = effect_of(P, $4.s, @4, true);
          P->section.default_loc = @2;
          P->section.default_loc.end = @4.end;
      }
    ;

entry
    : ALLOW direction values     { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->allow = true; $$->loc = @$; $$->direction = $2; $$->values = $3; }
    | ALLOW direction IP values  { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->allow = true; $$->loc = @$; $$->direction = $2; $$->target = ENT_IP; $$->values = $4; }
    | ALLOW direction PORT ports { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->allow = true; $$->loc = @$; $$->direction = $2; $$->target = ENT_PORT; $$->ports = $4; }
    | ALLOW direction IP values PORT ports { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->allow = true; $$->loc = @$; $$->direction = $2; $$->target = ENT_IP_PORT; $$->values = $4; $$->ports = $6; }
    | DENY direction values effect_opt     { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->loc = @$; $$->direction = $2; $$->values = $3; $$->effect = $4; $$->effect_loc = @4; }
    | DENY direction IP values effect_opt  { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->loc = @$; $$->direction = $2; $$->target = ENT_IP; $$->values = $4; $$->effect = $5; $$->effect_loc = @5; }
    | DENY direction PORT ports effect_opt { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->loc = @$; $$->direction = $2; $$->target = ENT_PORT; $$->ports = $4; $$->effect = $5; $$->effect_loc = @5; }
    | DENY direction IP values PORT ports effect_opt { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->loc = @$; $$->direction = $2; $$->target = ENT_IP_PORT; $$->values = $4; $$->ports = $6; $$->effect = $7; $$->effect_loc = @7; }
    ;

direction
    : %empty                     { $$ = DIR_ANY; }
    | OUTBOUND                   { $$ = DIR_OUTBOUND; }
    | INBOUND                    { $$ = DIR_INBOUND; }
    ;

effect_opt
    : %empty                     { $$ = 0; }
    | EFFECT effect_word         { $$ = effect_of(P, $2.s, @2, false); }
    ;

/* names, paths, domains, addresses: strings, IPs, list names, [lists] */
values
    : value                      { $$ = list_add(P, node(P, N_LIST, @1), $1); }
    | values ',' value           { $$ = list_add(P, $1, $3); }
    ;

value
    : STRING                     { $$ = str_node(P, $1.s, $1.len, @1); }
    | IPLIT                      { $$ = ip_node(P, $1.ip, $1.prefix, $1.has_prefix, @1); }
    | NAME                       { $$ = name_node(P, $1.s, $1.len, @1); }
    | '[' items ']'              { $$ = $2; $$->loc = @$; }
    ;

ports
    : port                       { $$ = list_add(P, node(P, N_LIST, @1), $1); }
    | ports ',' port             { $$ = list_add(P, $1, $3); }
    ;

port
    : INT                        { $$ = node(P, N_INT, @1); $$->i = $1; }
    | INT '-' INT                { $$ = range_node(P, $1, $3, @$); }
    | '*'                        { $$ = range_node(P, 0, 65535, @1); }
    | NAME                       { $$ = name_node(P, $1.s, $1.len, @1); }
    ;

/* ---- firewall ---- */
firewall_body
    : %empty                     { $$ = decl(P, D_FIREWALL, @$); }
    | firewall_body ALLOW FROM endpoint TO endpoint proto fw_ports {
          $$ = $1;
          pal_fwentry *e = pal_arena_alloc(P->arena, sizeof *e);
          e->allow = true; e->loc = @2; e->from = $4; e->to = $6; e->proto = $7; e->ports = $8;
          pal_fwentry **pp = &$$->fw; while (*pp) pp = &(*pp)->next; *pp = e;
      }
    | firewall_body DENY FROM endpoint TO endpoint proto fw_ports effect_opt {
          $$ = $1;
          pal_fwentry *e = pal_arena_alloc(P->arena, sizeof *e);
          e->loc = @2; e->from = $4; e->to = $6; e->proto = $7; e->ports = $8; e->effect = $9;
          pal_fwentry **pp = &$$->fw; while (*pp) pp = &(*pp)->next; *pp = e;
      }
    | firewall_body DEFAULT EFFECT effect_word {
          $$ = $1;
          if ($$->default_effect) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, NULL, "a firewall has one default");
          $$->default_effect = effect_of(P, $4.s, @4, true);
          $$->default_loc = @2;
          $$->default_loc.end = @4.end;
      }
    | firewall_body SCOPE expr   {
          $$ = $1;
          if ($$->scope) pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", @2, NULL, "a firewall has one scope");
          else $$->scope = $3;
      }
    | firewall_body attr         { $$ = $1; rule_item(P, $$, $2); }
    ;

endpoint
    : IMAGE STRING               { $$.kind = EP_IMAGE; $$.value = str_node(P, $2.s, $2.len, @2); $$.loc = @$; }
    | SUBNET IPLIT               { $$.kind = EP_SUBNET; $$.value = ip_node(P, $2.ip, $2.prefix, $2.has_prefix, @2); $$.loc = @$; }
    | SUBNET STRING              { $$.kind = EP_SUBNET; $$.value = str_node(P, $2.s, $2.len, @2); $$.loc = @$; }
    | HOST STRING                { $$.kind = EP_HOST; $$.value = str_node(P, $2.s, $2.len, @2); $$.loc = @$; }
    | DNS STRING                 { $$.kind = EP_DNS; $$.value = str_node(P, $2.s, $2.len, @2); $$.loc = @$; }
    | ANY                        { $$.kind = EP_ANY; $$.value = NULL; $$.loc = @$; }
    ;

proto
    : %empty                     { $$ = PROTO_ANY; }
    | TCP                        { $$ = PROTO_TCP; }
    | UDP                        { $$ = PROTO_UDP; }
    ;

/* no list names here: a name after the ports starts the next attribute.
   No ports (NULL) means every port; the list itself never starts with a
   comma (`to any ,8` once reached list_add with that NULL). */
fw_ports
    : %empty                     { $$ = NULL; }
    | fw_port_list
    ;

fw_port_list
    : fw_port                    { $$ = list_add(P, node(P, N_LIST, @1), $1); }
    | fw_port_list ',' fw_port   { $$ = list_add(P, $1, $3); }
    ;

fw_port
    : INT                        { $$ = node(P, N_INT, @1); $$->i = $1; }
    | INT '-' INT                { $$ = range_node(P, $1, $3, @$); }
    | '*'                        { $$ = range_node(P, 0, 65535, @1); }
    ;

/* `allow` and `fail` are keywords, and also words after `effect`/`expect`;
   `deny` is read there too, to be refused as an effect by name */
effect_word
    : NAME
    | ALLOW                      { $$.s = "allow"; $$.len = 5; }
    | DENY                       { $$.s = "deny"; $$.len = 4; }
    ;

expect_word
    : NAME
    | ALLOW                      { $$.s = "allow"; $$.len = 5; }
    | FAIL                       { $$.s = "fail"; $$.len = 4; }
    | DENY                       { $$.s = "deny"; $$.len = 4; }
    ;

/* ---- test ---- */
/* A test of several events gives each its own `given`, with an optional
   `at +2s` (from the test's start; `at` is a word, not a keyword). */
test_body
    : test_events EXPECT expect_word {
          $$ = decl(P, D_TEST, @$); $$->given = $1; $$->has_expect = true; $$->expect_loc = @3;
          if (!strcmp($3.s, "pass")) $$->expect_effect = -1;
          else if (!strcmp($3.s, "fail")) $$->expect_effect = PE_FAIL;
          else $$->expect_effect = effect_of(P, $3.s, @3, true);
      }
    | test_events EXPECT expect_word BY STRING {
          $$ = decl(P, D_TEST, @$); $$->given = $1; $$->has_expect = true; $$->expect_loc = @3;
          if (!strcmp($3.s, "pass")) $$->expect_effect = -1;
          else if (!strcmp($3.s, "fail")) $$->expect_effect = PE_FAIL;
          else $$->expect_effect = effect_of(P, $3.s, @3, true);
          $$->expect_by = $5.s;
      }
    ;

test_events
    : test_event                 { $$ = $1; }
    | test_events test_event     {
          $$ = $1;
          pal_given *g = $1;
          while (g->next) g = g->next;
          for (pal_given *n = $2; n; n = n->next) n->event = g->event + 1;
          g->next = $2;
      }
    ;

test_event
    : GIVEN given_groups         { $$ = $2; }
    | GIVEN given_groups NAME at_time {
          $$ = $2;
          if (strcmp($3.s, "at"))
              pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0201", @3, "an event's time is written 'at +2s'",
                              "unexpected name '%s' after the given groups", $3.s);
          $$->has_at = true; $$->at = $4; $$->at_loc = @3;
      }
    ;

at_time
    : INT                        { $$ = $1; }
    | '+' INT                    { $$ = $2; }
    | '-' INT                    { $$ = -$2; }
    ;

given_groups
    : given_group                { $$ = $1; }
    | given_groups given_group   { $$ = $1; pal_given *g = $1; while (g->next) g = g->next; g->next = $2; }
    ;

given_group
    : group_name '{' kvs '}'     {
          $$ = pal_arena_alloc(P->arena, sizeof *$$);
          $$->group = P->group; $$->loc = @1;
          $$->fields = NULL;
          pal_attr **pp = &$$->fields;
          for (uint32_t i = 0; $3 && i < $3->nitems; i++) {
              pal_node *kv = $3->items[i];
              *pp = attr(P, kv->text, kv->loc, kv->a);
              pp = &(*pp)->next;
          }
      }
    | group_name '{' '}'         { $$ = pal_arena_alloc(P->arena, sizeof *$$); $$->group = P->group; $$->loc = @1; }
    ;

group_name
    : PROCESS                    { P->group = "process"; }
    | NETWORK                    { P->group = "network"; }
    | DNS                        { P->group = "dns"; }
    | FILE_KW                    { P->group = "file"; }
    | IMAGE                      { P->group = "image"; }
    | HOST                       { P->group = "host"; }
    | NAME                       { P->group = $1.s; }
    ;

/* ---- attributes: `key value` ---- */
attr
    : NAME attr_value            { $$ = attr(P, $1.s, @1, $2); }
    ;

attr_value
    : STRING                     { $$ = str_node(P, $1.s, $1.len, @1); }
    | NAME                       { $$ = name_node(P, $1.s, $1.len, @1); }
    | INT                        { $$ = node(P, N_INT, @1); $$->i = $1; }
    | '[' items ']'              { $$ = $2; $$->loc = @$; }
    | '{' kvs '}'                { $$ = $2; $$->loc = @$; }
    | '{' '}'                    { $$ = node(P, N_LIST, @$); }
    ;

kvs
    : kv                         { $$ = list_add(P, node(P, N_LIST, @1), $1); }
    | kvs kv                     { $$ = list_add(P, $1, $2); }
    | kvs ',' kv                 { $$ = list_add(P, $1, $3); }
    ;

/* a key: value pair is an N_CALL node: text = key, a = value */
kv
    : NAME ':' literal           { $$ = node(P, N_CALL, @1); $$->text = $1.s; $$->len = $1.len; $$->a = $3; }
    | STRING ':' literal         { $$ = node(P, N_CALL, @1); $$->text = $1.s; $$->len = $1.len; $$->a = $3; }
    | keyword_key ':' literal    { $$ = node(P, N_CALL, @1); $$->text = $1.s; $$->len = $1.len; $$->a = $3; }
    | reserved_key ':' literal   {
          /* reported, then kept as if quoted: the rest of the block is still checked */
          uint32_t n = @1.end - @1.begin;
          const char *w = pal_arena_strndup(P->arena, P->src->text + @1.begin, n);
          if (!w) longjmp(P->fatal, 1);
          char hint[64];
          snprintf(hint, sizeof hint, "quote the key: \"%s\"", w);
          pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0201", @1, hint, "'%s' is a keyword, not a key", w);
          $$ = node(P, N_CALL, @1); $$->text = w; $$->len = n; $$->a = $3;
      }
    ;

/* Keywords that are also the last word of a field (`destination { ip:
   "10.0.0.5", port: 443 }`, a vulnerability's `package`) are keys as they
   are; any other keyword must be quoted. */
keyword_key
    : IP                         { $$.s = "ip"; $$.len = 2; }
    | PORT                       { $$.s = "port"; $$.len = 4; }
    | PACKAGE                    { $$.s = "package"; $$.len = 7; }
    ;

reserved_key
    : IMPORT | AS | LIST | MACRO | CHECK | RULE | RUNTIME | FIREWALL | TEST | FAIL | WHEN | ON
    | EFFECT | SCOPE | PROCESS | NETWORK | DNS | FILE_KW | ALLOW | DENY | DEFAULT | AND | OR | NOT
    | IN | LIKE | MATCHES | CONTAINS | STARTSWITH | ENDSWITH | NOCASE | ANY | ALL | COUNT | TRUE | FALSE
    | GIVEN | EXPECT | BY | FROM | TO | IMAGE | SUBNET | HOST | OUTBOUND | INBOUND | TCP | UDP
    | SEQUENCE | STEP | WITHIN | UNTIL | DISTINCT | UNORDERED
    ;

literal
    : STRING                     { $$ = str_node(P, $1.s, $1.len, @1); }
    | INT                        { $$ = node(P, N_INT, @1); $$->i = $1; }
    | '-' INT                    { $$ = node(P, N_INT, @$); $$->i = -$2; }
    | IPLIT                      { $$ = ip_node(P, $1.ip, $1.prefix, $1.has_prefix, @1); }
    | TRUE                       { $$ = node(P, N_TRUE, @1); }
    | FALSE                      { $$ = node(P, N_FALSE, @1); }
    | '[' literals ']'           { $$ = $2; $$->loc = @$; }
    | '{' kvs '}'                { $$ = $2; $$->loc = @$; $$->kind = N_LIST; $$->i2 = 1; /* object */ }
    ;

literals
    : %empty                     { $$ = node(P, N_LIST, @$); }
    | literal_list
    | literal_list ','
    ;

literal_list
    : literal                    { $$ = list_add(P, node(P, N_LIST, @1), $1); }
    | literal_list ',' literal   { $$ = list_add(P, $1, $3); }
    ;

/* ---- expressions ---- */
/* A quantifier's body reaches as far right as it can: in
   `any f in xs: a or b` the `or` belongs to the body.  The two unit rules
   below get the lowest precedence so bison shifts there. */
expr
    : or_expr %prec QUANT
    ;

or_expr
    : or_expr OR and_expr        { $$ = binary(P, N_OR, @2, $1, $3); }
    | and_expr %prec QUANT
    ;

and_expr
    : and_expr AND not_expr      { $$ = binary(P, N_AND, @2, $1, $3); }
    | not_expr
    ;

not_expr
    : NOT not_expr               { $$ = node(P, N_NOT, @1); $$->a = $2; }
    | quant
    | cmp_expr
    ;

quant
    : ANY NAME IN add_expr ':' expr {
          $$ = node(P, N_ANY, @1); $$->text = $2.s; $$->len = $2.len; $$->a = $4; $$->b = $6;
      }
    | ALL NAME IN add_expr ':' expr {
          $$ = node(P, N_ALL, @1); $$->text = $2.s; $$->len = $2.len; $$->a = $4; $$->b = $6;
      }
    ;

cmp_expr
    : add_expr
    | add_expr EQ nocase_opt add_expr       { $$ = compare(P, N_EQ, @2, $1, $4, $3); }
    | add_expr NE nocase_opt add_expr       { $$ = compare(P, N_NE, @2, $1, $4, $3); }
    | add_expr LT nocase_opt add_expr       { $$ = compare(P, N_LT, @2, $1, $4, $3); }
    | add_expr LE nocase_opt add_expr       { $$ = compare(P, N_LE, @2, $1, $4, $3); }
    | add_expr GT nocase_opt add_expr       { $$ = compare(P, N_GT, @2, $1, $4, $3); }
    | add_expr GE nocase_opt add_expr       { $$ = compare(P, N_GE, @2, $1, $4, $3); }
    | add_expr IN nocase_opt add_expr       { $$ = compare(P, N_IN, @2, $1, $4, $3); }
    | add_expr NOT IN nocase_opt add_expr   { $$ = compare(P, N_NOTIN, @2, $1, $5, $4); }
    | add_expr LIKE nocase_opt add_expr     { $$ = compare(P, N_LIKE, @2, $1, $4, $3); }
    | add_expr MATCHES nocase_opt add_expr  { $$ = compare(P, N_MATCHES, @2, $1, $4, $3); }
    | add_expr CONTAINS nocase_opt add_expr { $$ = compare(P, N_CONTAINS, @2, $1, $4, $3); }
    | add_expr STARTSWITH nocase_opt add_expr { $$ = compare(P, N_STARTSWITH, @2, $1, $4, $3); }
    | add_expr ENDSWITH nocase_opt add_expr { $$ = compare(P, N_ENDSWITH, @2, $1, $4, $3); }
    | add_expr '=' add_expr      {
          pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0201", @2, "use == to compare", "unexpected '=' in a condition");
          $$ = binary(P, N_EQ, @2, $1, $3);
      }
    ;

/* `nocase` after a comparison operator: compare without ASCII case (the
   checker says which operators take it) */
nocase_opt
    : %empty                     { $$ = 0; }
    | NOCASE                     { $$ = 1; }
    ;

add_expr
    : add_expr '+' mul_expr      { $$ = binary(P, N_ADD, @2, $1, $3); }
    | add_expr '-' mul_expr      { $$ = binary(P, N_SUB, @2, $1, $3); }
    | mul_expr
    ;

mul_expr
    : mul_expr '*' unary         { $$ = binary(P, N_MUL, @2, $1, $3); }
    | mul_expr '/' unary         { $$ = binary(P, N_DIV, @2, $1, $3); }
    | mul_expr '%' unary         { $$ = binary(P, N_MOD, @2, $1, $3); }
    | unary
    ;

unary
    : '-' unary                  { $$ = node(P, N_NEG, @1); $$->a = $2; }
    | primary
    ;

primary
    : INT                        { $$ = node(P, N_INT, @1); $$->i = $1; }
    | STRING                     { $$ = str_node(P, $1.s, $1.len, @1); }
    | IPLIT                      { $$ = ip_node(P, $1.ip, $1.prefix, $1.has_prefix, @1); }
    | TRUE                       { $$ = node(P, N_TRUE, @1); }
    | FALSE                      { $$ = node(P, N_FALSE, @1); }
    | NAME                       { $$ = name_node(P, $1.s, $1.len, @1); }
    /* a call's location starts at its name and ends at its ')', so a
       message can quote or underline the whole call */
    | NAME '(' ')'               { $$ = node(P, N_CALL, @$); $$->text = $1.s; $$->len = $1.len; }
    | NAME '(' item_list ')'     { $$ = $3; $$->kind = N_CALL; $$->loc = @$; $$->text = $1.s; $$->len = $1.len; }
    | COUNT '(' NAME IN add_expr ':' expr ')' {
          $$ = node(P, N_COUNT, @$); $$->text = $3.s; $$->len = $3.len; $$->a = $5; $$->b = $7;
      }
    | ANY '(' NAME IN add_expr ':' expr ')' {
          $$ = node(P, N_ANY, @$); $$->text = $3.s; $$->len = $3.len; $$->a = $5; $$->b = $7;
      }
    | ALL '(' NAME IN add_expr ':' expr ')' {
          $$ = node(P, N_ALL, @$); $$->text = $3.s; $$->len = $3.len; $$->a = $5; $$->b = $7;
      }
    | '(' expr ')'               { $$ = $2; }
    | '[' items ']'              { $$ = $2; $$->loc = @$; }
    ;

items
    : %empty                     { $$ = node(P, N_LIST, @$); }
    | item_list
    | item_list ','
    ;

item_list
    : item                       { $$ = list_add(P, node(P, N_LIST, @1), $1); }
    | item_list ',' item         { $$ = list_add(P, $1, $3); }
    ;

item
    : expr
    | INT DOTDOT INT             { $$ = range_node(P, $1, $3, @$); }
    ;

%%

static pal_node *node(pal_parser *P, int kind, pal_loc loc)
{
    pal_node *n = pal_arena_alloc(P->arena, sizeof *n);
    if (!n) longjmp(P->fatal, 1);
    n->kind = (uint8_t)kind;
    n->loc = loc;
    n->field = -1;
    n->local = -1;
    return n;
}

static pal_node *binary(pal_parser *P, int kind, pal_loc loc, pal_node *a, pal_node *b)
{
    pal_node *n = node(P, kind, loc);
    n->a = a;
    n->b = b;
    return n;
}

static pal_node *compare(pal_parser *P, int kind, pal_loc loc, pal_node *a, pal_node *b, int nocase)
{
    pal_node *n = binary(P, kind, loc, a, b);
    n->nocase = nocase != 0;
    return n;
}

static pal_node *list_add(pal_parser *P, pal_node *list, pal_node *item)
{
    if ((list->nitems & (list->nitems - 1)) == 0) {   /* grow at powers of two */
        uint32_t cap = list->nitems ? list->nitems * 2 : 4;
        pal_node **items = pal_arena_alloc(P->arena, cap * sizeof *items);
        if (!items) longjmp(P->fatal, 1);
        if (list->nitems) memcpy(items, list->items, list->nitems * sizeof *items);
        list->items = items;
    }
    list->items[list->nitems++] = item;
    if (item) list->loc.end = item->loc.end > list->loc.end ? item->loc.end : list->loc.end;
    return list;
}

static pal_node *str_node(pal_parser *P, const char *s, uint32_t len, pal_loc loc)
{
    pal_node *n = node(P, N_STR, loc);
    n->text = s;
    n->len = len;
    return n;
}

static pal_node *name_node(pal_parser *P, const char *s, uint32_t len, pal_loc loc)
{
    pal_node *n = node(P, N_NAME, loc);
    n->text = s;
    n->len = len;
    return n;
}

static pal_node *ip_node(pal_parser *P, const uint8_t ip[16], unsigned prefix, bool has_prefix, pal_loc loc)
{
    pal_node *n = node(P, N_IP, loc);
    memcpy(n->ip, ip, 16);
    n->prefix = (uint8_t)prefix;
    n->has_prefix = has_prefix;
    return n;
}

static pal_node *range_node(pal_parser *P, int64_t lo, int64_t hi, pal_loc loc)
{
    pal_node *n = node(P, N_RANGE, loc);
    n->i = lo;
    n->i2 = hi;
    if (lo > hi)
        pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0408", loc, "write the lower bound first",
                        "range %lld-%lld is empty", (long long)lo, (long long)hi);
    return n;
}

static pal_attr *attr(pal_parser *P, const char *key, pal_loc loc, pal_node *v)
{
    pal_attr *a = pal_arena_alloc(P->arena, sizeof *a);
    if (!a) longjmp(P->fatal, 1);
    a->key = key;
    a->loc = loc;
    a->value = v;
    return a;
}

static pal_decl *decl(pal_parser *P, int kind, pal_loc loc)
{
    pal_decl *d = pal_arena_alloc(P->arena, sizeof *d);
    if (!d) longjmp(P->fatal, 1);
    d->kind = (uint8_t)kind;
    d->loc = loc;
    return d;
}

static void add_decl(pal_parser *P, pal_decl *d)
{
    d->file = P->out;
    pal_decl **pp = &P->out->decls;
    if (P->last_decl) pp = &P->last_decl->next;
    while (*pp) pp = &(*pp)->next;
    *pp = d;
    P->last_decl = d;
}

static void rule_item(pal_parser *P, pal_decl *d, pal_attr *a)
{
    for (pal_attr *x = d->attrs; x; x = x->next)
        if (!strcmp(x->key, a->key)) {
            pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", a->loc, "keep one of them",
                            "'%s' is given twice", a->key);
            return;
        }
    pal_attr **pp = &d->attrs;
    while (*pp) pp = &(*pp)->next;
    *pp = a;
}

/* `effect deny`: deny is the entry, not what it does. */
static void not_an_effect(pal_parser *P, pal_loc loc)
{
    pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0206", loc,
                    "the effects are allow, alert, prevent and block (a deny entry or a rule reports alert, prevent or block)",
                    "'deny' is not an effect");
}

static int effect_of(pal_parser *P, const char *name, pal_loc loc, bool allow_ok)
{
    if (!strcmp(name, "deny")) {
        not_an_effect(P, loc);
        return PE_ALERT;
    }
    int e = pal_effect_from_name(name, strlen(name));
    if (e < PE_ALLOW || e > PE_BLOCK || (e == PE_ALLOW && !allow_ok)) {
        pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0206", loc,
                        e == PE_ALLOW ? "a deny or a rule reports alert, prevent or block; list what is allowed under `allow`"
                                      : "effects are allow, alert, prevent and block",
                        "unknown effect '%s'", name);
        return PE_ALERT;
    }
    return e;
}

static void section_add(pal_parser *P, pal_section *s, pal_entry *e)
{
    (void)P;
    pal_entry **pp = &s->entries;
    while (*pp) pp = &(*pp)->next;
    *pp = e;
}

static void seq_add_step(pal_parser *P, pal_decl *d, pal_step *st)
{
    (void)P;
    pal_step **pp = &d->steps;
    while (*pp) pp = &(*pp)->next;
    *pp = st;
    d->nsteps++;
}

/* `> N` counts as reaching N + 1: one comparison at run time. */
static void count_clause(pal_parser *P, pal_decl *d, pal_loc loc, int kind, pal_node *distinct, int gt, int64_t n,
                         pal_loc nloc, pal_node *by, int64_t within, pal_loc wloc)
{
    if (d->count_kind) {
        pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0203", loc, "keep one count", "a rule has one 'count' clause");
        return;
    }
    d->count_kind = kind;
    d->distinct = distinct;
    d->threshold = gt && n < INT64_MAX ? n + 1 : n;
    d->count_loc = loc;
    d->count_loc.end = nloc.end;
    d->by = by;
    if (by) d->by_loc = by->loc;
    d->within = within;
    d->within_loc = wloc;
    d->has_within = true;
}

static void yyerror(YYLTYPE *loc, void *scanner, pal_parser *P, const char *msg)
{
    (void)scanner;
    pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0201", *loc, NULL, "%s", msg);
}

/* bison keeps the aliases with their quotes: "\"string\"" -> string */
static const char *human(yysymbol_kind_t k)
{
    static char buf[4][64];
    static int next;
    const char *s = yysymbol_name(k);
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        char *b = buf[next++ & 3];
        snprintf(b, 64, "%.*s", (int)(n - 2), s + 1);
        return b;
    }
    return s;
}

/* A misspelt keyword reads as a name: `whne x == 1` is an attribute `whne`
   with the value `x`, and the parser only stops at `==`.  So the words
   looked at are the last three tokens (the one it stopped at and the two
   before), and a plain name among them that is a near miss of a keyword
   the parser would take here becomes the hint. */
static bool misspelt_keyword(const yypcontext_t *ctx, pal_parser *P, char *out, size_t cap)
{
    yysymbol_kind_t exp[YYNTOKENS];
    int k = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
    char best_kw[32] = "";
    const char *best_word = NULL;
    size_t best_len = 0;
    unsigned best = 99;
    for (uint32_t r = 0; r < P->nrecent; r++) {
        const pal_token *t = &P->recent[3 - P->nrecent + r];
        if (t->kind != NAME || t->end <= t->begin || t->end > P->src->len) continue;
        const char *w = P->src->text + t->begin;
        size_t wn = t->end - t->begin;
        if (memchr(w, '.', wn)) continue;
        for (int i = 0; i < k; i++) {
            if (exp[i] == YYSYMBOL_NAME || exp[i] == YYSYMBOL_STRING || exp[i] == YYSYMBOL_INT) continue;
            const char *kw = human(exp[i]);
            size_t kn = strlen(kw);
            bool word = kn > 0;
            for (size_t c = 0; c < kn; c++) word &= kw[c] >= 'a' && kw[c] <= 'z';
            if (!word || !pal_near_miss(w, wn, kw, kn)) continue;
            unsigned d = pal_edit_distance(w, wn, kw, kn);
            if (d <= best) {
                best = d;
                snprintf(best_kw, sizeof best_kw, "%s", kw);
                best_word = w;
                best_len = wn;
            }
        }
    }
    if (!best_word) return false;
    snprintf(out, cap, "'%.*s' is not a keyword: did you mean '%s'?", (int)best_len, best_word, best_kw);
    return true;
}

/* Whether the parser would take token t here. */
static bool expects(const yypcontext_t *ctx, yysymbol_kind_t t)
{
    yysymbol_kind_t exp[YYNTOKENS];
    int k = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
    for (int i = 0; i < k; i++)
        if (exp[i] == t) return true;
    return false;
}

/* "unexpected X, expected A, B or C" with the tokens' human names. */
static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, pal_parser *P)
{
    (void)scanner;
    if (P->depth_reported) return 0;   /* the scanner stopped at too deep a nesting */
    char msg[512];
    size_t n = 0;
    yysymbol_kind_t look = yypcontext_token(ctx);
    if (look == YYSYMBOL_YYEMPTY)
        n += (size_t)snprintf(msg + n, sizeof msg - n, "syntax error");
    else
        n += (size_t)snprintf(msg + n, sizeof msg - n, "unexpected %s", human(look));
    enum { MAX = 7 };
    yysymbol_kind_t exp[MAX];
    int k = yypcontext_expected_tokens(ctx, exp, MAX);
    if (k > 0 && k < MAX) {
        n += (size_t)snprintf(msg + n, sizeof msg - n, ", expected ");
        for (int i = 0; i < k && n < sizeof msg; i++)
            n += (size_t)snprintf(msg + n, sizeof msg - n, "%s%s", i == 0 ? "" : i == k - 1 ? " or " : ", ",
                                  human(exp[i]));
    }
    const char *hint = NULL;
    char near[PAL_MAX_IDENT_BYTES + 64];
    if (look == YYSYMBOL_YYEOF) hint = "a '}' or ')' may be missing above";
    else if (look == YYSYMBOL_ON && expects(ctx, YYSYMBOL_PROCESS))   /* a rule's `on process` in a runtime block */
        hint = "a runtime block names its sections without 'on': process { ... }, network { ... }, dns { ... }, "
               "file { ... }";
    else if (misspelt_keyword(ctx, P, near, sizeof near)) hint = near;
    pal_diag_report(P->diags, PAL_DIAG_ERROR, "PAL0201", *yypcontext_location(ctx), hint, "%s", msg);
    return 0;
}

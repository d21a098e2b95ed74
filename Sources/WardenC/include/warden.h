/*
 * warden.h: the C API of the Warden policy engine (libwarden.so).
 *
 * Contract
 *  - Handles (warden_engine, warden_program, warden_decision, warden_diagnostics) are opaque. Every
 *    handle the library returns is owned by the caller and is released with its own free function,
 *    exactly once. The free functions accept NULL (no-op).
 *  - Strings the library returns as `const char *` are owned by the handle they came from and
 *    stay valid until that handle is freed. Strings returned as `char *` (none at present apart
 *    from what the functions document) are owned by the caller and released with warden_string_free.
 *  - Strings passed in are borrowed for the duration of the call only; they are copied.
 *    Source text and facts JSON are (pointer, length) pairs, must be valid UTF-8, and need no NUL.
 *  - Thread safety: a warden_program is immutable; any number of threads may evaluate the same
 *    program at once. A warden_decision or warden_diagnostics handle may be read from several
 *    threads but must not be freed while another thread uses it. Freeing a handle while it is in
 *    use, or twice, is a caller error; the library detects use of a handle it has already freed
 *    (WARDEN_ERR_INVALID_HANDLE) unless the address was reused by a newer handle.
 *  - No function aborts the process on bad input: NULL pointers, invalid UTF-8, oversized input,
 *    unknown or freed handles and out-of-range indices give an error code (or NULL / -1 / 0 from
 *    accessors, as documented). An evaluation error inside a rule is part of the decision (the
 *    policy's onError action applies); it never becomes allow.
 *  - No Swift type crosses the boundary.
 */
#ifndef WARDEN_H
#define WARDEN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by the functions that return warden_status. Stable values. */
typedef enum {
    WARDEN_OK = 0,
    WARDEN_ERR_NULL = 1,           /* a required pointer argument was NULL */
    WARDEN_ERR_UTF8 = 2,           /* text was not valid UTF-8 */
    WARDEN_ERR_TOO_LARGE = 3,      /* input larger than the limit (source: 4 MiB; facts JSON: 16 MiB) */
    WARDEN_ERR_COMPILE = 4,        /* the policy has errors: see the diagnostics */
    WARDEN_ERR_FACTS = 5,          /* the facts are not a device (bad JSON, not an object, bad slot) */
    WARDEN_ERR_INVALID_HANDLE = 6, /* a handle that is NULL-free but not live (freed or foreign) */
    WARDEN_ERR_SCHEMA = 7          /* an engine refused a host enum or fact (message in *out_error) */
} warden_status;

/* Decision actions, in increasing severity (the strongest action of the fired rules wins). */
typedef enum {
    WARDEN_ALLOW = 0,
    WARDEN_WARN = 1,
    WARDEN_BLOCK_ACCESS = 2,
    WARDEN_WIPE_DATA = 3
} warden_action;

typedef struct warden_program warden_program;         /* a compiled policy (immutable) */
typedef struct warden_decision warden_decision;       /* the decision for one device */
typedef struct warden_diagnostics warden_diagnostics; /* the diagnostics of one compilation */
typedef struct warden_engine warden_engine;           /* a schema with host enums and facts */

/* A static, English description of a status code ("ok", "null pointer argument", ...). Never NULL;
 * owned by the library, never freed. */
const char *warden_status_message(int status);

/* The action's name as in the language ("allow", "warn", "blockAccess", "wipeData"), or NULL for a
 * value that is not an action. Static; never freed. */
const char *warden_action_name(int action);

/* ---- Compiling ---- */

/* Compiles a policy from `length` bytes of UTF-8 source text, named `name` in diagnostics (NULL:
 * "<input>"). On WARDEN_OK *out_program is a new program (free with warden_program_free); otherwise
 * *out_program is NULL. When out_diagnostics is not NULL, *out_diagnostics receives the
 * diagnostics (errors on failure, warnings on success; possibly empty) for WARDEN_OK and
 * WARDEN_ERR_COMPILE, NULL otherwise; free with warden_diagnostics_free.
 * out_program must not be NULL (WARDEN_ERR_NULL). */
warden_status warden_compile(const char *source, size_t length, const char *name,
                             warden_program **out_program, warden_diagnostics **out_diagnostics);

/* Releases a program. NULL is a no-op. Decisions made from it stay valid. */
void warden_program_free(warden_program *program);

/* The number of diagnostics; 0 for NULL or an invalid handle. */
size_t warden_diagnostics_count(const warden_diagnostics *diagnostics);
/* Diagnostic i: severity ("error", "warning", "note"), message, 1-based line and column. Strings
 * are owned by the handle; NULL (or 0 for line/column) when i is out of range or the handle is bad. */
const char *warden_diagnostic_severity(const warden_diagnostics *diagnostics, size_t i);
const char *warden_diagnostic_message(const warden_diagnostics *diagnostics, size_t i);
/* Diagnostic i's stable code ("W0301"...; see the error index in the documentation). Owned by the
 * handle; NULL when i is out of range or the handle is bad. */
const char *warden_diagnostic_code(const warden_diagnostics *diagnostics, size_t i);
int warden_diagnostic_line(const warden_diagnostics *diagnostics, size_t i);
int warden_diagnostic_column(const warden_diagnostics *diagnostics, size_t i);
/* All diagnostics as a JSON array of {"severity","code","message","line","column"}; owned by the handle.
 * NULL for a bad handle. */
const char *warden_diagnostics_json(const warden_diagnostics *diagnostics);
/* The diagnostics rendered as text with file:line:col and a caret, as the CLI prints them. */
const char *warden_diagnostics_text(const warden_diagnostics *diagnostics);
void warden_diagnostics_free(warden_diagnostics *diagnostics);

/* ---- Engines: host enums, host facts, strict facts ---- */

/* An engine starts with the built-in schema (every Defender fact and key); a host adds its own enums
 * and facts, and may declare which built-in facts it supplies (strict mode), then compiles policies
 * with warden_engine_compile. Programs compiled from it read the host facts like built-in ones, from
 * JSON (warden_eval_json) or typed slots (warden_eval_facts; host enum members by name as strings).
 * A warden_engine may be used from several threads: each call sees the declarations made before it.
 * NULL when memory is exhausted. Free with warden_engine_free; programs compiled from it stay valid. */
warden_engine *warden_engine_new(void);
void warden_engine_free(warden_engine *engine);

/* Declares a host enum: its name, `count` member names (NUL-terminated UTF-8) and whether `<`, `>`
 * compare members in declaration order (ordered non-zero). WARDEN_ERR_SCHEMA when the schema refuses
 * it (a name taken by a type, fact or enum, no members, a member twice, a reserved word, a member
 * named like a fact), with the reason in *out_error (free with warden_string_free) when out_error is
 * not NULL. Declaring an equal enum again is WARDEN_OK. */
warden_status warden_engine_add_enum(warden_engine *engine, const char *name, const char *const *members,
                                     size_t count, int ordered, char **out_error);

/* Declares a host fact: its name, its type as the language writes it ("bool", "int", "uint", "double",
 * "string", "bytes", "version", "date", "dyn", "list(string)", "map(string, int)", a built-in enum such
 * as "ThreatLevel", or a host enum declared before), and a documentation line (NULL: none; `warden
 * schema` and the REPL show it). WARDEN_ERR_SCHEMA with the reason in *out_error for an unknown type
 * or a name the schema refuses (taken, not an identifier, reserved). */
warden_status warden_engine_add_fact(warden_engine *engine, const char *name, const char *type, const char *doc,
                                     char **out_error);

/* Strict mode: the `count` built-in facts this host supplies. A policy naming another built-in fact
 * then does not compile (W0308, with a caret at the fact). Host facts always count as supplied; an
 * unknown name is ignored. A second call replaces the list. */
warden_status warden_engine_supply_facts(warden_engine *engine, const char *const *names, size_t count,
                                         char **out_error);

/* warden_compile against the engine's schema and strict mode (same outputs and statuses). */
warden_status warden_engine_compile(const warden_engine *engine, const char *source, size_t length,
                                    const char *name, warden_program **out_program,
                                    warden_diagnostics **out_diagnostics);

/* ---- Evaluating ---- */

/* Evaluates the program for one device given as a JSON object (the CLI's facts format: facts by
 * name, enums by member name, versions and dates as strings; an "id" field is kept). `length` bytes
 * of UTF-8, at most 16 MiB. On WARDEN_OK *out_decision is a new decision (free with
 * warden_decision_free). On WARDEN_ERR_FACTS, when out_error is not NULL, *out_error receives a
 * message the caller frees with warden_string_free. A malformed fact inside a good object is not a
 * WARDEN_ERR_FACTS: it is a fact error of the decision (and rules reading it err). */
warden_status warden_eval_json(const warden_program *program, const char *json, size_t length,
                               warden_decision **out_decision, char **out_error);

/* A typed fact slot, for evaluating without JSON. `name` is the fact's name (UTF-8, NUL-terminated).
 * The value is read from the field that matches `kind`. Enum members, versions and dates are given
 * as strings (WARDEN_FACT_STRING) by name/text, exactly as in JSON. */
typedef enum {
    WARDEN_FACT_BOOL = 0,        /* bool_value: 0 false, anything else true */
    WARDEN_FACT_INT = 1,         /* int_value */
    WARDEN_FACT_DOUBLE = 2,      /* double_value */
    WARDEN_FACT_STRING = 3,      /* string_value (NUL-terminated UTF-8): strings, enums, versions, dates */
    WARDEN_FACT_STRING_LIST = 4  /* string_values[0..string_count) */
} warden_fact_kind;

typedef struct {
    const char *name;
    int kind; /* a warden_fact_kind */
    int bool_value;
    int64_t int_value;
    double double_value;
    const char *string_value;
    const char *const *string_values;
    size_t string_count;
} warden_fact;

/* Evaluates the program for one device given as `count` typed slots. Same result as the JSON object
 * with the same facts. A NULL name or string, invalid UTF-8 or an unknown kind is WARDEN_ERR_FACTS
 * (message in *out_error when out_error is not NULL; free with warden_string_free). */
warden_status warden_eval_facts(const warden_program *program, const warden_fact *facts, size_t count,
                                warden_decision **out_decision, char **out_error);

/* ---- Decisions ---- */

/* The decision's action (a warden_action), or -1 for NULL or an invalid handle. */
int warden_decision_action(const warden_decision *decision);
/* The device's "id" field as JSON text (e.g. 7 or "abc" with its quotes), or NULL when the facts
 * had none. Owned by the decision. */
const char *warden_decision_id(const warden_decision *decision);
/* The decision as one JSON object: {"id" (when the facts had one),"action","fired":[{"rule","action","message","line"}],
 * "errors":[messages],"warnings":[...],"config":{...}}. "config" lists only the keys a config block
 * or a fired rule's `set` gave a value, as `warden eval` prints it (the other keys have their schema
 * default); warden_decision_json_full lists every key.
 * Owned by the decision; NULL for a bad handle. */
const char *warden_decision_json(const warden_decision *decision);
/* The same JSON object with every configuration key in "config" (schema defaults included), as
 * `warden eval --config full` prints it. Owned by the decision; NULL for a bad handle. */
const char *warden_decision_json_full(const warden_decision *decision);
/* Fired rules: count, and rule i's name and message (message NULL when the rule has none).
 * Owned by the decision; NULL when i is out of range or the handle is bad. */
size_t warden_decision_fired_count(const warden_decision *decision);
const char *warden_decision_fired_rule(const warden_decision *decision, size_t i);
const char *warden_decision_fired_message(const warden_decision *decision, size_t i);
/* Errors (rule errors and fact errors): count and message i. Owned by the decision. */
size_t warden_decision_error_count(const warden_decision *decision);
const char *warden_decision_error(const warden_decision *decision, size_t i);
/* Error i's stable code ("W0905" for a division by zero, "W0902" for a malformed fact, ...).
 * Owned by the decision; NULL when i is out of range or the handle is bad. */
const char *warden_decision_error_code(const warden_decision *decision, size_t i);
void warden_decision_free(warden_decision *decision);

/* Releases a string the library gave to the caller as `char *`. NULL is a no-op. */
void warden_string_free(char *string);

#ifdef __cplusplus
}
#endif
#endif /* WARDEN_H */

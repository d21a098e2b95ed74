/* Tests of the C API (warden.h), written in C; run by scripts/ci.d/60-embedding.sh.
 *   capi_test POLICY            the tests (hostile input included); exit 0 when all pass
 *   capi_test POLICY --loop N   N evaluations (JSON and typed slots alternately) for a leak checker */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "warden.h"

static int failures = 0, checks = 0;
#define CHECK(cond) do { checks++; if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static char *read_file(const char *path, size_t *length) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    if (fread(text, 1, (size_t)n, f) != (size_t)n) { free(text); fclose(f); return NULL; }
    fclose(f);
    text[n] = 0;
    *length = (size_t)n;
    return text;
}

static const char *DEVICE2 =
    "{\"id\":2,\"threatLevel\":\"high\",\"defenderActive\":true,\"rooted\":false,\"osVersion\":\"13.0.2\","
    "\"patchLevel\":\"2024-03-01\",\"manufacturer\":\"samsung\",\"model\":\"Galaxy S22\",\"management\":\"unmanaged\","
    "\"playIntegrity\":\"strong\",\"deviceLock\":\"medium\",\"appId\":\"com.microsoft.office.outlook\","
    "\"offlineMinutes\":12,\"pinAttempts\":1,\"accountDisabled\":false,\"tags\":[\"BYOD\"],\"groups\":[\"Finance\"],"
    "\"openNetwork\":false,\"suspiciousCertificate\":false,\"companyPortalAgeDays\":42,"
    "\"companyPortalVersion\":\"5.0.6014.0\"}";

static const char *tags[] = {"BYOD"};
static const char *groups[] = {"Finance"};
static warden_fact device2_slots[] = {
    {.name = "id", .kind = WARDEN_FACT_INT, .int_value = 2},
    {.name = "threatLevel", .kind = WARDEN_FACT_STRING, .string_value = "high"},
    {.name = "defenderActive", .kind = WARDEN_FACT_BOOL, .bool_value = 1},
    {.name = "rooted", .kind = WARDEN_FACT_BOOL, .bool_value = 0},
    {.name = "osVersion", .kind = WARDEN_FACT_STRING, .string_value = "13.0.2"},
    {.name = "patchLevel", .kind = WARDEN_FACT_STRING, .string_value = "2024-03-01"},
    {.name = "manufacturer", .kind = WARDEN_FACT_STRING, .string_value = "samsung"},
    {.name = "model", .kind = WARDEN_FACT_STRING, .string_value = "Galaxy S22"},
    {.name = "management", .kind = WARDEN_FACT_STRING, .string_value = "unmanaged"},
    {.name = "playIntegrity", .kind = WARDEN_FACT_STRING, .string_value = "strong"},
    {.name = "deviceLock", .kind = WARDEN_FACT_STRING, .string_value = "medium"},
    {.name = "appId", .kind = WARDEN_FACT_STRING, .string_value = "com.microsoft.office.outlook"},
    {.name = "offlineMinutes", .kind = WARDEN_FACT_INT, .int_value = 12},
    {.name = "pinAttempts", .kind = WARDEN_FACT_INT, .int_value = 1},
    {.name = "accountDisabled", .kind = WARDEN_FACT_BOOL, .bool_value = 0},
    {.name = "tags", .kind = WARDEN_FACT_STRING_LIST, .string_values = tags, .string_count = 1},
    {.name = "groups", .kind = WARDEN_FACT_STRING_LIST, .string_values = groups, .string_count = 1},
    {.name = "openNetwork", .kind = WARDEN_FACT_BOOL, .bool_value = 0},
    {.name = "suspiciousCertificate", .kind = WARDEN_FACT_BOOL, .bool_value = 0},
    {.name = "companyPortalAgeDays", .kind = WARDEN_FACT_INT, .int_value = 42},
    {.name = "companyPortalVersion", .kind = WARDEN_FACT_STRING, .string_value = "5.0.6014.0"},
};
#define NSLOTS (sizeof device2_slots / sizeof device2_slots[0])

static void test_compile_errors(void) {
    warden_program *p = (warden_program *)1;
    warden_diagnostics *d = NULL;
    const char *bad = "policy \"x\"\nrule \"r\" when nosuchFact > 3 then warn\n";
    CHECK(warden_compile(bad, strlen(bad), "bad.warden", &p, &d) == WARDEN_ERR_COMPILE);
    CHECK(p == NULL);
    CHECK(d != NULL);
    CHECK(warden_diagnostics_count(d) >= 1);
    CHECK(strcmp(warden_diagnostic_severity(d, 0), "error") == 0);
    CHECK(strcmp(warden_diagnostic_code(d, 0), "W0301") == 0); /* unknown fact */
    CHECK(warden_diagnostic_code(d, 999) == NULL);
    CHECK(strstr(warden_diagnostics_json(d), "\"code\":\"W0301\"") != NULL);
    CHECK(strstr(warden_diagnostics_text(d), "error[W0301]: ") != NULL);
    CHECK(strstr(warden_diagnostic_message(d, 0), "nosuchFact") != NULL);
    CHECK(warden_diagnostic_line(d, 0) == 2);
    CHECK(warden_diagnostic_column(d, 0) > 0);
    CHECK(warden_diagnostic_message(d, 999) == NULL);
    CHECK(warden_diagnostic_line(d, (size_t)-1) == 0);
    CHECK(strstr(warden_diagnostics_json(d), "\"severity\":\"error\"") != NULL);
    CHECK(strstr(warden_diagnostics_text(d), "bad.warden:2:") != NULL);
    warden_diagnostics_free(d);
    /* a freed diagnostics handle is refused, and a second free is harmless */
    CHECK(warden_diagnostics_count(d) == 0);
    CHECK(warden_diagnostics_json(d) == NULL);
    warden_diagnostics_free(d);
}

static void test_hostile(warden_program *program) {
    warden_program *p = NULL;
    warden_decision *dec = NULL;
    char *err = NULL;
    /* NULL pointers */
    CHECK(warden_compile(NULL, 3, NULL, &p, NULL) == WARDEN_ERR_NULL && p == NULL);
    CHECK(warden_compile("x", 1, NULL, NULL, NULL) == WARDEN_ERR_NULL);
    CHECK(warden_eval_json(NULL, "{}", 2, &dec, &err) == WARDEN_ERR_NULL && dec == NULL);
    CHECK(warden_eval_json(program, NULL, 2, &dec, &err) == WARDEN_ERR_NULL);
    CHECK(warden_eval_json(program, "{}", 2, NULL, &err) == WARDEN_ERR_NULL);
    CHECK(warden_eval_facts(program, NULL, 3, &dec, &err) == WARDEN_ERR_NULL);
    CHECK(warden_decision_action(NULL) == -1);
    CHECK(warden_decision_json(NULL) == NULL);
    CHECK(warden_decision_fired_count(NULL) == 0);
    CHECK(warden_diagnostics_count(NULL) == 0);
    warden_program_free(NULL);
    warden_decision_free(NULL);
    warden_diagnostics_free(NULL);
    warden_string_free(NULL);
    /* invalid UTF-8 */
    const char bad_utf8[] = "policy \"\xff\xfe\"\n";
    CHECK(warden_compile(bad_utf8, sizeof bad_utf8 - 1, NULL, &p, NULL) == WARDEN_ERR_UTF8 && p == NULL);
    const char bad_json[] = "{\"model\":\"\xc3\x28\"}";
    CHECK(warden_eval_json(program, bad_json, sizeof bad_json - 1, &dec, &err) == WARDEN_ERR_UTF8 && dec == NULL);
    CHECK(warden_compile("x", 1, "\xff", &p, NULL) == WARDEN_ERR_UTF8);
    /* huge inputs */
    size_t huge = (size_t)17 << 20;
    char *big = malloc(huge);
    memset(big, ' ', huge);
    CHECK(warden_compile(big, huge, NULL, &p, NULL) == WARDEN_ERR_TOO_LARGE && p == NULL);
    CHECK(warden_eval_json(program, big, huge, &dec, &err) == WARDEN_ERR_TOO_LARGE && dec == NULL);
    /* deep nesting in facts JSON: an error, not a stack overflow */
    size_t depth = 1 << 20;
    for (size_t i = 0; i < depth; i++) big[i] = '[';
    CHECK(warden_eval_json(program, big, depth, &dec, &err) == WARDEN_ERR_FACTS);
    CHECK(err != NULL);
    warden_string_free(err);
    err = NULL;
    /* deep nesting in source: diagnostics, not a crash */
    memcpy(big, "policy \"d\"\nlet x = ", 19);
    for (size_t i = 19; i < 200019; i++) big[i] = '(';
    warden_diagnostics *d = NULL;
    CHECK(warden_compile(big, 200019, NULL, &p, &d) == WARDEN_ERR_COMPILE && p == NULL);
    CHECK(warden_diagnostics_count(d) >= 1);
    warden_diagnostics_free(d);
    free(big);
    /* not JSON, not an object */
    CHECK(warden_eval_json(program, "nope", 4, &dec, &err) == WARDEN_ERR_FACTS && err != NULL);
    warden_string_free(err);
    CHECK(warden_eval_json(program, "[1]", 3, &dec, &err) == WARDEN_ERR_FACTS);
    warden_string_free(err);
    /* a length that stops mid-document */
    CHECK(warden_eval_json(program, DEVICE2, 10, &dec, &err) == WARDEN_ERR_FACTS);
    warden_string_free(err);
    /* a malformed fact is a fact error of the decision, and it does not allow */
    const char *malformed = "{\"rooted\":\"yes\"}";
    CHECK(warden_eval_json(program, malformed, strlen(malformed), &dec, NULL) == WARDEN_OK);
    CHECK(warden_decision_error_count(dec) >= 1);
    CHECK(warden_decision_action(dec) != WARDEN_ALLOW);
    CHECK(warden_decision_error(dec, 1000) == NULL);
    CHECK(strcmp(warden_decision_error_code(dec, 0), "W0902") == 0); /* malformed fact */
    CHECK(warden_decision_error_code(dec, 1000) == NULL);
    warden_decision_free(dec);
    /* bad typed slots */
    warden_fact bad_kind = {.name = "rooted", .kind = 99};
    CHECK(warden_eval_facts(program, &bad_kind, 1, &dec, &err) == WARDEN_ERR_FACTS && dec == NULL && err != NULL);
    warden_string_free(err);
    warden_fact no_name = {.name = NULL, .kind = WARDEN_FACT_BOOL};
    CHECK(warden_eval_facts(program, &no_name, 1, &dec, &err) == WARDEN_ERR_FACTS);
    warden_string_free(err);
    warden_fact null_string = {.name = "model", .kind = WARDEN_FACT_STRING, .string_value = NULL};
    CHECK(warden_eval_facts(program, &null_string, 1, &dec, &err) == WARDEN_ERR_FACTS);
    warden_string_free(err);
    warden_fact null_list = {.name = "tags", .kind = WARDEN_FACT_STRING_LIST, .string_values = NULL, .string_count = 5};
    CHECK(warden_eval_facts(program, &null_list, 1, &dec, &err) == WARDEN_ERR_FACTS);
    warden_string_free(err);
    warden_fact bad_string = {.name = "model", .kind = WARDEN_FACT_STRING, .string_value = "\xff"};
    CHECK(warden_eval_facts(program, &bad_string, 1, &dec, NULL) == WARDEN_ERR_FACTS);
    CHECK(warden_eval_facts(program, device2_slots, (size_t)1 << 40, &dec, NULL) == WARDEN_ERR_TOO_LARGE);
    /* zero slots: an empty device (missing facts), a valid decision */
    CHECK(warden_eval_facts(program, NULL, 0, &dec, NULL) == WARDEN_OK && dec != NULL);
    warden_decision_free(dec);
    /* unknown status and action values */
    CHECK(strcmp(warden_status_message(12345), "unknown status") == 0);
    CHECK(warden_action_name(7) == NULL);
    CHECK(strcmp(warden_action_name(WARDEN_BLOCK_ACCESS), "blockAccess") == 0);
    /* a handle of the wrong kind is refused */
    CHECK(warden_decision_action((warden_decision *)program) == -1);
    /* a forged pointer is refused, not dereferenced */
    CHECK(warden_decision_action((warden_decision *)0x1000) == -1);
    CHECK(warden_eval_json((warden_program *)0x1000, "{}", 2, &dec, NULL) == WARDEN_ERR_INVALID_HANDLE);
}

static void test_decisions(warden_program *program) {
    warden_decision *a = NULL, *b = NULL;
    CHECK(warden_eval_json(program, DEVICE2, strlen(DEVICE2), &a, NULL) == WARDEN_OK);
    CHECK(warden_decision_action(a) == WARDEN_BLOCK_ACCESS);
    CHECK(strcmp(warden_decision_id(a), "2") == 0);
    CHECK(warden_decision_fired_count(a) == 1);
    CHECK(strcmp(warden_decision_fired_rule(a, 0), "high threat") == 0);
    CHECK(strcmp(warden_decision_fired_message(a, 0), "Defender rates this device at risk") == 0);
    CHECK(warden_decision_fired_rule(a, 1) == NULL);
    const char *prefix = "{\"id\":2,\"action\":\"blockAccess\",\"fired\":[{\"rule\":\"high threat\"";
    CHECK(strncmp(warden_decision_json(a), prefix, strlen(prefix)) == 0);
    /* typed slots give the same decision as the JSON object */
    CHECK(warden_eval_facts(program, device2_slots, NSLOTS, &b, NULL) == WARDEN_OK);
    CHECK(strcmp(warden_decision_json(a), warden_decision_json(b)) == 0);
    warden_decision_free(a);
    warden_decision_free(b);
    /* a freed decision is refused */
    CHECK(warden_decision_action(a) == -1);
    CHECK(warden_decision_json(a) == NULL);
    warden_decision_free(a);
}

/* "config" lists only the keys a block set (as `warden eval`); warden_decision_json_full lists every key. */
static void test_config_json(void) {
    const char *src =
        "policy \"config json\"\n"
        "config \"Privacy\" route managedApps {\n"
        "  DefenderMAMConfigs = 1\n"
        "  DefenderExcludeURLInReport = true\n"
        "}\n";
    warden_program *p = NULL;
    CHECK(warden_compile(src, strlen(src), "config.warden", &p, NULL) == WARDEN_OK);
    warden_decision *d = NULL;
    const char *device = "{\"id\":1}";
    CHECK(warden_eval_json(p, device, strlen(device), &d, NULL) == WARDEN_OK);
    const char *compact = warden_decision_json(d);
    const char *full = warden_decision_json_full(d);
    CHECK(compact != NULL && full != NULL);
    if (compact && full) {
        CHECK(strstr(compact, "\"config\":{\"DefenderMAMConfigs\":1,\"DefenderExcludeURLInReport\":1}}") != NULL);
        CHECK(strstr(full, "\"DefenderMAMConfigs\":1") != NULL);
        CHECK(strstr(full, "\"DefenderExcludeURLInReport\":1") != NULL);
        CHECK(strstr(compact, "\"DisableSignOut\"") == NULL);
        CHECK(strstr(full, "\"DisableSignOut\"") != NULL);
        CHECK(strlen(full) > strlen(compact));
        /* the rest of the object is the same */
        const char *cut = strstr(compact, "\"config\":");
        CHECK(cut != NULL && strncmp(compact, full, (size_t)(cut - compact)) == 0);
    }
    CHECK(warden_decision_json_full(NULL) == NULL);
    CHECK(warden_decision_json_full((warden_decision *)p) == NULL);
    warden_decision_free(d);
    CHECK(warden_decision_json_full(d) == NULL);
    warden_program_free(p);
}

/* Engines: host enums and facts, strict mode (warden_engine_*). */
static void test_engine(warden_program *builtin_program) {
    warden_engine *e = warden_engine_new();
    CHECK(e != NULL);
    char *err = NULL;
    const char *tiers[] = {"bronze", "silver", "gold"};
    CHECK(warden_engine_add_enum(e, "Tier", tiers, 3, 1, &err) == WARDEN_OK && err == NULL);
    CHECK(warden_engine_add_enum(e, "Tier", tiers, 3, 1, &err) == WARDEN_OK); /* the same enum again */
    const char *twice[] = {"a", "a"};
    CHECK(warden_engine_add_enum(e, "Twice", twice, 2, 0, &err) == WARDEN_ERR_SCHEMA);
    CHECK(err != NULL && strstr(err, "Twice") != NULL);
    warden_string_free(err);
    err = NULL;
    CHECK(warden_engine_add_enum(e, "Empty", NULL, 0, 0, &err) == WARDEN_ERR_SCHEMA && err != NULL);
    warden_string_free(err);
    err = NULL;
    CHECK(warden_engine_add_fact(e, "tier", "Tier", "The customer's tier", &err) == WARDEN_OK && err == NULL);
    CHECK(warden_engine_add_fact(e, "seats", "int", NULL, &err) == WARDEN_OK);
    CHECK(warden_engine_add_fact(e, "labels", " list( string ) ", NULL, &err) == WARDEN_OK);
    CHECK(warden_engine_add_fact(e, "x", "Nope", NULL, &err) == WARDEN_ERR_SCHEMA);
    CHECK(err != NULL && strstr(err, "unknown type `Nope`") != NULL);
    warden_string_free(err);
    err = NULL;
    CHECK(warden_engine_add_fact(e, "y", "list(int", NULL, &err) == WARDEN_ERR_SCHEMA && err != NULL);
    warden_string_free(err);
    err = NULL;
    CHECK(warden_engine_add_fact(e, "rooted", "bool", NULL, &err) == WARDEN_ERR_SCHEMA && err != NULL); /* built-in */
    warden_string_free(err);
    err = NULL;
    CHECK(strcmp(warden_status_message(WARDEN_ERR_SCHEMA), "the schema refuses the declaration") == 0);

    const char *policy = "rule \"gold\" when tier >= silver and seats > 10 and \"vip\" in labels then warn\n"
                         "rule \"root\" when rooted then blockAccess\n";
    warden_program *p = NULL;
    warden_diagnostics *d = NULL;
    CHECK(warden_engine_compile(e, policy, strlen(policy), "host.warden", &p, &d) == WARDEN_OK && p != NULL);
    CHECK(warden_diagnostics_count(d) == 0);
    warden_diagnostics_free(d);
    /* the default engine does not know the host's facts */
    warden_program *q = NULL;
    CHECK(warden_compile(policy, strlen(policy), NULL, &q, NULL) == WARDEN_ERR_COMPILE && q == NULL);

    warden_decision *dec = NULL;
    const char *gold = "{\"tier\":\"gold\",\"seats\":12,\"labels\":[\"vip\"],\"rooted\":false}";
    CHECK(warden_eval_json(p, gold, strlen(gold), &dec, NULL) == WARDEN_OK);
    CHECK(warden_decision_action(dec) == WARDEN_WARN && warden_decision_fired_count(dec) == 1);
    CHECK(strcmp(warden_decision_fired_rule(dec, 0), "gold") == 0);
    warden_decision_free(dec);
    warden_fact slots[] = {
        {.name = "tier", .kind = WARDEN_FACT_STRING, .string_value = "bronze"},
        {.name = "seats", .kind = WARDEN_FACT_INT, .int_value = 50},
        {.name = "rooted", .kind = WARDEN_FACT_BOOL, .bool_value = 1},
    };
    CHECK(warden_eval_facts(p, slots, 3, &dec, NULL) == WARDEN_OK);
    CHECK(warden_decision_action(dec) == WARDEN_BLOCK_ACCESS && warden_decision_fired_count(dec) == 1);
    warden_decision_free(dec);
    /* a member the host enum lacks is a malformed fact: the rule reading it errs, fail closed */
    const char *platinum = "{\"tier\":\"platinum\",\"seats\":12,\"labels\":[\"vip\"],\"rooted\":false}";
    CHECK(warden_eval_json(p, platinum, strlen(platinum), &dec, NULL) == WARDEN_OK);
    CHECK(warden_decision_error_count(dec) >= 1 && strcmp(warden_decision_error_code(dec, 0), "W0902") == 0);
    CHECK(warden_decision_action(dec) != WARDEN_ALLOW);
    warden_decision_free(dec);

    /* strict mode: the host supplies threatLevel only; `rooted` is refused with W0308, host facts are fine */
    const char *supplied[] = {"threatLevel"};
    CHECK(warden_engine_supply_facts(e, supplied, 1, &err) == WARDEN_OK && err == NULL);
    q = NULL;
    CHECK(warden_engine_compile(e, policy, strlen(policy), "host.warden", &q, &d) == WARDEN_ERR_COMPILE && q == NULL);
    CHECK(warden_diagnostics_count(d) == 1 && strcmp(warden_diagnostic_code(d, 0), "W0308") == 0);
    CHECK(warden_diagnostic_line(d, 0) == 2);
    warden_diagnostics_free(d);
    const char *hosted = "rule \"g\" when tier == gold and threatLevel > low then warn\n";
    CHECK(warden_engine_compile(e, hosted, strlen(hosted), NULL, &q, NULL) == WARDEN_OK && q != NULL);
    warden_program_free(q);

    /* hostile calls */
    CHECK(warden_engine_add_enum(NULL, "T", tiers, 3, 0, &err) == WARDEN_ERR_NULL);
    CHECK(warden_engine_add_enum(e, "T", NULL, 2, 0, &err) == WARDEN_ERR_NULL);
    warden_string_free(err);
    err = NULL;
    CHECK(warden_engine_add_fact(e, NULL, "int", NULL, &err) == WARDEN_ERR_NULL);
    CHECK(warden_engine_add_fact(e, "\xff", "int", NULL, &err) == WARDEN_ERR_UTF8);
    CHECK(warden_engine_supply_facts(e, NULL, 1, &err) == WARDEN_ERR_NULL);
    warden_string_free(err);
    err = NULL;
    CHECK(warden_engine_compile(e, NULL, 3, NULL, &q, NULL) == WARDEN_ERR_NULL && q == NULL);
    CHECK(warden_engine_compile(e, "x", 1, NULL, NULL, NULL) == WARDEN_ERR_NULL);
    /* a program handle is not an engine */
    CHECK(warden_engine_compile((const warden_engine *)builtin_program, hosted, strlen(hosted), NULL, &q, NULL) ==
          WARDEN_ERR_INVALID_HANDLE);
    warden_engine_free(e);
    CHECK(warden_engine_compile(e, hosted, strlen(hosted), NULL, &q, NULL) == WARDEN_ERR_INVALID_HANDLE && q == NULL);
    warden_engine_free(e); /* a second free is refused, not a crash */
    /* programs outlive their engine */
    CHECK(warden_eval_json(p, gold, strlen(gold), &dec, NULL) == WARDEN_OK && warden_decision_action(dec) == WARDEN_WARN);
    warden_decision_free(dec);
    warden_program_free(p);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s POLICY [--loop N]\n", argv[0]); return 2; }
    size_t length = 0;
    char *source = read_file(argv[1], &length);
    if (!source) { perror(argv[1]); return 2; }
    warden_program *program = NULL;
    warden_diagnostics *diagnostics = NULL;
    if (warden_compile(source, length, argv[1], &program, &diagnostics) != WARDEN_OK) {
        fprintf(stderr, "%s", warden_diagnostics_text(diagnostics));
        return 1;
    }
    free(source);
    CHECK(warden_diagnostics_count(diagnostics) == 0);
    warden_diagnostics_free(diagnostics);
    if (argc == 4 && strcmp(argv[2], "--loop") == 0) {
        long n = atol(argv[3]);
        for (long i = 0; i < n; i++) {
            warden_decision *d = NULL;
            warden_status s = i % 2 ? warden_eval_json(program, DEVICE2, strlen(DEVICE2), &d, NULL)
                                    : warden_eval_facts(program, device2_slots, NSLOTS, &d, NULL);
            if (s != WARDEN_OK || warden_decision_action(d) != WARDEN_BLOCK_ACCESS) { fprintf(stderr, "loop %ld failed\n", i); return 1; }
            warden_decision_free(d);
        }
        warden_program_free(program);
        printf("%ld evaluations\n", n);
        return 0;
    }
    test_compile_errors();
    test_hostile(program);
    test_decisions(program);
    test_config_json();
    test_engine(program);
    warden_program_free(program);
    /* a freed program is refused */
    warden_decision *d = NULL;
    CHECK(warden_eval_json(program, DEVICE2, strlen(DEVICE2), &d, NULL) == WARDEN_ERR_INVALID_HANDLE && d == NULL);
    warden_program_free(program);
    printf("C API tests: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}

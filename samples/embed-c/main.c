/* Embedding Warden from C: compile a policy once, evaluate each device of a JSON Lines file,
 * print "device <id>: <action>" (as `warden eval` does) and the fired rules.
 * Usage: embed-c POLICY.warden DEVICES.jsonl */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "warden.h"

static char *read_file(const char *path, size_t *length) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n) { free(text); text = NULL; }
    fclose(f);
    if (text) { text[n] = 0; *length = (size_t)n; }
    return text;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s POLICY DEVICES.jsonl\n", argv[0]); return 2; }
    size_t length = 0;
    char *source = read_file(argv[1], &length);
    if (!source) { perror(argv[1]); return 2; }
    warden_program *program = NULL;
    warden_diagnostics *diagnostics = NULL;
    warden_status status = warden_compile(source, length, argv[1], &program, &diagnostics);
    free(source);
    if (status != WARDEN_OK) {
        fprintf(stderr, "%s: %s\n%s", argv[1], warden_status_message(status),
                diagnostics ? warden_diagnostics_text(diagnostics) : "");
        warden_diagnostics_free(diagnostics);
        return 1;
    }
    warden_diagnostics_free(diagnostics);

    FILE *devices = fopen(argv[2], "r");
    if (!devices) { perror(argv[2]); warden_program_free(program); return 2; }
    char *line = NULL;
    size_t capacity = 0;
    ssize_t n;
    int failed = 0;
    while ((n = getline(&line, &capacity, devices)) > 0) {
        warden_decision *decision = NULL;
        char *error = NULL;
        if (warden_eval_json(program, line, (size_t)n, &decision, &error) != WARDEN_OK) {
            fprintf(stderr, "%s: %s\n", argv[2], error ? error : "bad device");
            warden_string_free(error);
            failed = 1;
            continue;
        }
        const char *id = warden_decision_id(decision);
        printf("device %s: %s\n", id ? id : "?", warden_action_name(warden_decision_action(decision)));
        for (size_t i = 0; i < warden_decision_fired_count(decision); i++) {
            const char *message = warden_decision_fired_message(decision, i);
            printf("  fired \"%s\"%s%s\n", warden_decision_fired_rule(decision, i), message ? ": " : "",
                   message ? message : "");
        }
        for (size_t i = 0; i < warden_decision_error_count(decision); i++)
            printf("  error: %s\n", warden_decision_error(decision, i));
        warden_decision_free(decision);
    }
    free(line);
    fclose(devices);
    warden_program_free(program);
    return failed;
}

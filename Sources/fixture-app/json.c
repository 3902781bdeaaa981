// json: builds and writes the event log lines (see json.h).
#include "json.h"

#include <stdlib.h>
#include <string.h>

static void reserve(json_line *line, size_t extra) {
    if (line->len + extra + 1 <= line->cap) return;
    size_t cap = line->cap ? line->cap : 256;
    while (cap < line->len + extra + 1) cap *= 2;
    char *buf = realloc(line->buf, cap);
    if (!buf) {
        // A fixture that silently drops events would make tests lie; dying loudly is better.
        fputs("fixture-app: out of memory\n", stderr);
        abort();
    }
    line->buf = buf;
    line->cap = cap;
}

static void append(json_line *line, const char *bytes, size_t n) {
    reserve(line, n);
    memcpy(line->buf + line->len, bytes, n);
    line->len += n;
    line->buf[line->len] = '\0';
}

static void append_cstr(json_line *line, const char *s) { append(line, s, strlen(s)); }

static void append_string(json_line *line, const char *s) {
    append(line, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            append(line, esc, 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            append(line, esc, 6);
        } else {
            append(line, (const char *)p, 1);
        }
    }
    append(line, "\"", 1);
}

static void append_key(json_line *line, const char *key) {
    append(line, ",", 1);
    append_string(line, key);
    append(line, ":", 1);
}

void json_begin(json_line *line, const char *event) {
    line->len = 0;
    append_cstr(line, "{\"event\":");
    append_string(line, event);
}

void json_int(json_line *line, const char *key, long long value) {
    char num[32];
    snprintf(num, sizeof num, "%lld", value);
    append_key(line, key);
    append_cstr(line, num);
}

void json_uint(json_line *line, const char *key, unsigned long long value) {
    char num[32];
    snprintf(num, sizeof num, "%llu", value);
    append_key(line, key);
    append_cstr(line, num);
}

void json_str(json_line *line, const char *key, const char *value) {
    append_key(line, key);
    append_string(line, value ? value : "");
}

void json_emit(json_line *line, FILE *out) {
    append(line, "}\n", 2);
    fwrite(line->buf, 1, line->len, out);
    fflush(out);
    line->len = 0;
}
